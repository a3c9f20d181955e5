/** Spawn the real entry points (through tsx, from source) and read their JSON log lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

export class RunningProcess {
  readonly lines: LogLine[] = [];
  /** Lines of stdout that are not JSON objects (log lines all should be). */
  readonly notJson: string[] = [];
  stderr = '';
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        this.lines.push(parsed as LogLine);
      } catch {
        this.notJson.push(line);
        this.lines.push({ msg: line });
      }
      for (const wake of this.waiters) wake();
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** Resolve with the first log line matching `predicate`, or reject after `timeoutMs`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find(predicate);
        if (found) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `log line not seen within ${timeoutMs} ms; got:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`process exited (${this.child.exitCode}) before the log line; stderr:\n${this.stderr}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        this.child.off('exit', onExit);
      };
      this.waiters.add(check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Send a signal and measure how long the process takes to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    // Already gone (exited, or killed by a signal): nothing to wait for.
    if (this.child.exitCode !== null || this.child.signalCode !== null) return { code: this.child.exitCode, ms: 0 };
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    const [code] = (await exited) as [number | null];
    return { code, ms: Date.now() - started };
  }

  async exit(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }
}

/**
 * Run an npm script exactly as the README does (`npm start`, `npm run worker`): the built dist/,
 * started through npm, so signal forwarding through npm and its shell is covered too.
 */
export function startNpmScript(script: string, env: Record<string, string>): RunningProcess {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'src', 'main.js'))) {
    throw new Error('dist/ is missing: `npm ci` builds it (or run `npm run build`)');
  }
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RunningProcess(child);
}

/** Run a TypeScript entry point (`src/main.ts`, `jobs/worker.ts`, `src/cli/main.ts`) with `env`. */
export function startProcess(entry: string, env: Record<string, string>, args: readonly string[] = []): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, entry), ...args], {
    cwd: PROJECT_ROOT,
    // Only what the test passes, plus PATH: the process must not depend on the caller's environment.
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RunningProcess(child);
}

/** Run a process to completion; resolves with its exit code and output. */
export async function runProcess(entry: string, env: Record<string, string>, args: readonly string[] = []) {
  const running = startProcess(entry, env, args);
  let stdout = '';
  running.child.stdout!.removeAllListeners('data');
  running.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await running.exit();
  return { code, stdout, stderr: running.stderr };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** tsx's loader, resolved here so the CLI can run from any working directory. */
const TSX = import.meta.resolve('tsx');

/**
 * Run the real `catalog` CLI (through tsx, from source) to completion, with this process's
 * environment plus `env` (logs silenced unless `env` sets LOG_LEVEL), optional stdin and cwd.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, join(PROJECT_ROOT, 'src/cli/main.ts'), ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...options.env },
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  });
}
