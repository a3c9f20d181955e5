/**
 * Servers a benchmark drives from outside: each runs in its own Node process (the load generator
 * must not share an event loop with the server it measures), is ready when a health URL answers
 * 200, and stops on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface ChildServer {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** A TCP port free on the loopback interface right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startChildServer(options: {
  readonly name: string;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly healthPath: string;
  readonly timeoutMs?: number;
  /** Options for `node` itself, before the script (`--expose-gc`, `--max-semi-space-size=16`). */
  readonly nodeArgs?: readonly string[];
  /** The variable that tells the child its port: PORT, or the worker's WORKER_METRICS_PORT. */
  readonly portVariable?: string;
}): Promise<ChildServer> {
  const port = await freePort();
  // Benchmark-only servers run from their TypeScript sources (they are not built into dist/).
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.script.endsWith('.ts') ? ['--import', 'tsx', options.script] : [options.script]),
  ];
  const child = spawn(process.execPath, args, {
    // The child's environment is ours plus its own settings (this passes variables through, it
    // reads no configuration of its own).
    env: { ...process.env, ...options.env, HOST: '127.0.0.1', [options.portVariable ?? 'PORT']: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.name} exited (${child.exitCode}) while starting:\n${stderr}`);
    const ok = await fetch(`${url}${options.healthPath}`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} not ready within ${options.timeoutMs ?? 30_000} ms:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
