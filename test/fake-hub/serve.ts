/**
 * A fake Hugging Face Hub as a process, for checks that run outside vitest (the runtime-image
 * check in .ci/runtime-image crawls it from a production install): the hand-written fixtures plus
 * N generated models (default 300), on 127.0.0.1 and a free port. Prints its URL as the first
 * line of stdout and serves until SIGTERM or SIGINT.
 *
 *   node --import tsx test/fake-hub/serve.ts [N]
 */
import { FakeHub, MemoryModelStore } from './fake-hub.js';

const generated = Number(process.argv[2] ?? 300);
if (!Number.isInteger(generated) || generated < 0) {
  process.stderr.write(`usage: serve.ts [generated models ≥ 0], not ${process.argv[2]}\n`);
  process.exit(2);
}
const store = MemoryModelStore.fromFixtures();
store.add(...MemoryModelStore.fromGenerated(generated).all());
const hub = await FakeHub.start({ store });
process.stdout.write(`${hub.url}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    void hub.stop().then(() => process.exit(0));
  });
