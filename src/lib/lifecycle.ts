/**
 * Ordered graceful shutdown. Resources register a close step as they start; on SIGTERM/SIGINT
 * the steps run in reverse order of registration (stop taking work, drain, then close the
 * connections the work needed). A second signal or the timeout forces the exit.
 */
import type { Logger } from './logger.js';

type CloseStep = { readonly name: string; readonly close: () => Promise<unknown> };

export class Lifecycle {
  private readonly steps: CloseStep[] = [];
  private shuttingDown: Promise<void> | undefined;
  private readonly aborter = new AbortController();

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  /** Register a close step; steps run last-registered first. */
  onShutdown(name: string, close: () => Promise<unknown>): void {
    this.steps.push({ name, close });
  }

  /** Aborted when shutdown begins: pass it to waits and retries that should stop then. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** Exit the process cleanly on SIGTERM / SIGINT. */
  installSignalHandlers(): void {
    const handle = (signal: NodeJS.Signals) => {
      if (this.shuttingDown) {
        this.logger.warn({ signal }, 'second signal during shutdown: exiting now');
        process.exit(1);
      }
      this.logger.info({ signal }, 'shutting down');
      void this.shutdown().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', handle);
    process.once('SIGINT', handle);
  }

  /**
   * An uncaught exception or unhandled rejection is logged as one JSON line (Node would print a
   * stack to stderr) and ends the process with code 1, as Node would: its state is unknown.
   */
  installFaultHandlers(): void {
    const fatal = (what: string) => (error: unknown) => {
      this.logger.fatal({ err: error }, `${what}: exiting`);
      process.exit(1);
    };
    process.on('uncaughtException', fatal('uncaught exception'));
    process.on('unhandledRejection', fatal('unhandled promise rejection'));
  }

  /**
   * Run a process's start-up. A failure caused by shutdown beginning (an aborted wait) is not an
   * error; any other failure is logged, the registered resources are closed, and the exit code is 1.
   */
  async run(start: () => Promise<void>): Promise<void> {
    try {
      await start();
    } catch (error) {
      if (this.signal.aborted) return; // the signal handler is closing everything and will exit
      this.logger.fatal({ err: error }, 'start-up failed');
      await this.shutdown().catch(() => undefined);
      process.exit(1);
    }
  }

  /** Run every close step in reverse order; resolves when all are done or the timeout passes. */
  shutdown(): Promise<void> {
    this.aborter.abort();
    this.shuttingDown ??= this.runSteps();
    return this.shuttingDown;
  }

  private async runSteps(): Promise<void> {
    const timer = setTimeout(() => {
      this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown timed out: forcing exit');
      process.exit(1);
    }, this.timeoutMs);
    timer.unref();
    let failed = false;
    for (const step of [...this.steps].reverse()) {
      const started = Date.now();
      try {
        await step.close();
        this.logger.info({ step: step.name, ms: Date.now() - started }, 'closed');
      } catch (error) {
        failed = true;
        this.logger.error({ step: step.name, err: error }, 'close step failed');
      }
    }
    clearTimeout(timer);
    this.logger.info('shutdown complete');
    if (failed) throw new Error('one or more close steps failed');
  }
}
