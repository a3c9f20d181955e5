/** Reclassification of the catalog after a rules change, one batch per job. */
import type { ReclassifyService } from '../src/catalog/reclassify.service.js';
import type { Logger } from '../src/lib/logger.js';
import { RULES_VERSION } from '../src/openness/rules-version.js';
import { reclassifyJob } from '../src/queue/contracts.js';
import type { QueueProducer } from '../src/queue/producer.js';
import { bindJob } from './registry.js';

/** At worker start: if any model was classified under other rules, start (or continue) the job. */
export async function startReclassificationIfNeeded(
  reclassify: ReclassifyService,
  producer: QueueProducer,
  logger: Logger,
): Promise<void> {
  // EXISTS, not a count: this runs at every worker start, over the whole catalog.
  if (!(await reclassify.anyPending(RULES_VERSION))) return;
  await producer.enqueue(reclassifyJob, { rulesVersion: RULES_VERSION, after: '' });
  logger.info({ rulesVersion: RULES_VERSION }, 'reclassification queued');
}

export function reclassifyJobs(deps: { reclassify: ReclassifyService; producer: QueueProducer; logger: Logger }) {
  return [
    bindJob(reclassifyJob, async (payload) => {
      // A job queued under other rules than this worker's is stale: the newer worker queues its own.
      if (payload.rulesVersion !== RULES_VERSION)
        return { skipped: `rules ${payload.rulesVersion} are not ${RULES_VERSION}` };
      const batch = await deps.reclassify.batch(payload.rulesVersion, payload.after);
      if (batch.nextAfter !== null)
        await deps.producer.enqueue(reclassifyJob, { rulesVersion: payload.rulesVersion, after: batch.nextAfter });
      else deps.logger.info({ rulesVersion: payload.rulesVersion }, 'reclassification finished');
      return batch;
    }),
  ];
}
