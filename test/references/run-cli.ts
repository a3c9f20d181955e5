/** Run the real `catalog` CLI (through tsx, from source) to completion. */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** tsx's loader, resolved here so the CLI can run from any working directory. */
const TSX = import.meta.resolve('tsx');

export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, `${PROJECT_ROOT}/src/cli/main.ts`, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
