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

export interface ClassifyOptions {
  /** Exit 1 when any line is rejected (default: rejected lines are reported, the exit is 0). */
  readonly strict?: boolean;
}

/** A closed pipe downstream (`catalog classify big.jsonl | head -1`): the reader has what it wanted. */
const isClosedPipe = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | null)?.code === 'EPIPE' ||
  (error as NodeJS.ErrnoException | null)?.code === 'ERR_STREAM_DESTROYED';

/**
 * Stream JSON Lines of Hugging Face records through the classifier, one output line per input
 * line (blank lines skipped). A line that is not a record (not JSON, not an object, no usable repo
 * id) is rejected: its `{"line", "error"}` takes its place in the output, the same reason goes to
 * stderr, and the run goes on. Returns the exit code: 0; 1 when the input cannot be opened or
 * read, the output cannot be written (a closed pipe is not an error: the run ends quietly with 0),
 * or with `strict` when a line was rejected.
 */
export async function runClassify(file: string, io: ClassifyIo, options: ClassifyOptions = {}): Promise<number> {
  const input = await openInput(file, io);
  if (typeof input === 'string') {
    io.stderr.write(`classify: cannot open ${file}: ${input}\n`);
    return 1;
  }
  let downstreamClosed = false;
  let outputError: Error | null = null;
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    downstreamClosed = true;
    if (!isClosedPipe(error)) outputError = error;
  };
  io.stdout.on('error', onOutputError);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let buffer = '';
  let lineNumber = 0;
  let rejected = 0;
  const flush = async (): Promise<void> => {
    if (buffer.length === 0 || downstreamClosed) return;
    const chunk = buffer;
    buffer = '';
    try {
      if (!io.stdout.write(chunk)) await Promise.race([once(io.stdout, 'drain'), once(io.stdout, 'close')]);
    } catch (error) {
      // `once` rejects with the stream's 'error' (onOutputError has recorded it).
      onOutputError(error as NodeJS.ErrnoException);
    }
  };
  let readError: unknown = null;
  try {
    for await (const line of lines) {
      if (downstreamClosed) break;
      lineNumber++;
      const output = classifyJsonLine(line, lineNumber);
      if (output === null) continue;
      if ('error' in output) {
        rejected++;
        io.stderr.write(`classify: line ${output.line} rejected: ${output.error}\n`);
      }
      buffer += `${JSON.stringify(output)}\n`;
      if (buffer.length >= OUTPUT_CHUNK) await flush();
    }
    await flush();
  } catch (error) {
    readError = error;
  } finally {
    lines.close();
    if (input !== io.stdin) input.destroy();
    io.stdout.off('error', onOutputError);
    // Errors the stream reports after the last write (a pipe closed meanwhile) are not ours to raise.
    io.stdout.on('error', () => undefined);
  }
  if (outputError !== null) {
    io.stderr.write(`classify: cannot write the output: ${(outputError as Error).message}\n`);
    return 1;
  }
  if (readError !== null && !downstreamClosed) {
    io.stderr.write(
      `classify: cannot read ${file === '-' ? 'stdin' : file}: ${readError instanceof Error ? readError.message : JSON.stringify(readError)}\n`,
    );
    return 1;
  }
  if (rejected > 0) io.stderr.write(`classify: ${rejected} of ${lineNumber} line(s) rejected\n`);
  return options.strict && rejected > 0 ? 1 : 0;
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description(
      'Classify Hugging Face model records (JSON Lines, the shape of GET /api/models/{repo}) and write one openness result per line',
    )
    .argument('[file]', 'a JSON Lines file, or - for stdin', '-')
    .option('--strict', 'exit 1 when any line is rejected (by default rejected lines are reported and skipped)')
    .action(async (file: string, options: { strict?: boolean }) => {
      process.exitCode = await runClassify(
        file,
        { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
        { strict: options.strict === true },
      );
    });
}
