import type { Command } from 'commander';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { classifyJsonLine } from '../../openness/classify-output.js';

/** Output is written in chunks of about this many characters. */
const OUTPUT_CHUNK = 64 * 1024;

export interface ClassifyIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

async function openInput(file: string, io: ClassifyIo): Promise<Readable | string> {
  if (file === '-') return io.stdin;
  try {
    const handle = await open(file, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      return `${file} is a directory`;
    }
    return handle.createReadStream({ encoding: 'utf8' });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Stream JSON Lines of Hugging Face records through the classifier, one output line per input
 * line (blank lines skipped, unparsable lines reported as `{"line", "error"}` and skipped over).
 * Returns the exit code: 0, or 1 when the input cannot be opened or read.
 */
export async function runClassify(file: string, io: ClassifyIo): Promise<number> {
  const input = await openInput(file, io);
  if (typeof input === 'string') {
    io.stderr.write(`classify: cannot open ${file}: ${input}\n`);
    return 1;
  }
  let downstreamClosed = false;
  let outputError: Error | null = null;
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    downstreamClosed = true;
    // A closed pipe (`catalog classify big.jsonl | head`) ends the run quietly.
    if (error.code !== 'EPIPE') outputError = error;
  };
  io.stdout.on('error', onOutputError);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let buffer = '';
  let lineNumber = 0;
  const flush = async (): Promise<void> => {
    if (buffer.length === 0 || downstreamClosed) return;
    const chunk = buffer;
    buffer = '';
    if (!io.stdout.write(chunk)) await Promise.race([once(io.stdout, 'drain'), once(io.stdout, 'close')]);
  };
  try {
    for await (const line of lines) {
      if (downstreamClosed) break;
      lineNumber++;
      const output = classifyJsonLine(line, lineNumber);
      if (output === null) continue;
      buffer += `${JSON.stringify(output)}\n`;
      if (buffer.length >= OUTPUT_CHUNK) await flush();
    }
    await flush();
    if (outputError !== null) {
      io.stderr.write(`classify: cannot write the output: ${(outputError as Error).message}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.stderr.write(
      `classify: cannot read ${file === '-' ? 'stdin' : file}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    lines.close();
    if (input !== io.stdin) input.destroy();
    io.stdout.off('error', onOutputError);
  }
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description(
      'Classify Hugging Face model records (JSON Lines, the shape of GET /api/models/{repo}) and write one openness result per line',
    )
    .argument('[file]', 'a JSON Lines file, or - for stdin', '-')
    .action(async (file: string) => {
      process.exitCode = await runClassify(file, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
}
