import { setTimeout as sleep } from 'node:timers/promises';

/** Retry an assertion until it passes or the timeout elapses; rethrows the last failure. */
export async function expectEventually<T>(
  assertion: () => Promise<T> | T,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
