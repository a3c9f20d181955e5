/**
 * The memory of a benchmark's child process, read from outside so that the server under test
 * exposes nothing new: its resident set and CPU time from /proc/<pid>/status and /proc/<pid>/stat
 * (Linux), and, when it runs with the inspector on a loopback port, its V8 heap
 * (`process.memoryUsage()`) and garbage-collection pauses over the DevTools protocol, which can also
 * force a collection for a diagnostic reading.
 */
import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';

const MB = 1024 * 1024;
/** Where the child keeps its GC pause counter (a global of the bench's, read back over the inspector). */
const GC_COUNTER = '__benchGcPauses';

export interface ProcStatusMemory {
  /** Resident set now (VmRSS). */
  readonly rssMb: number;
  /** Highest resident set so far (VmHWM). */
  readonly peakRssMb: number;
  /** Of the resident set, anonymous memory: the JS heap and malloc's arenas (RssAnon). */
  readonly anonMb: number;
}

/** VmRSS, VmHWM and RssAnon of a /proc/<pid>/status text, in MB; null when it has none. */
export function parseProcStatus(text: string): ProcStatusMemory | null {
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) / 1024 : null;
  };
  const rss = kb('VmRSS');
  const peak = kb('VmHWM');
  if (rss === null || peak === null) return null;
  return { rssMb: rss, peakRssMb: peak, anonMb: kb('RssAnon') ?? rss };
}

/** A file of /proc/<pid>/; null once the process has exited (or off Linux). */
const readProc = (pid: number, file: 'status' | 'stat'): Promise<string | null> =>
  readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => null);

export async function readProcMemory(pid: number): Promise<ProcStatusMemory | null> {
  const text = await readProc(pid, 'status');
  return text === null ? null : parseProcStatus(text);
}

/**
 * User plus system CPU seconds of a /proc/<pid>/stat text (fields 14 and 15, after the command name
 * in parentheses, which may itself hold spaces), at the kernel's USER_HZ of 100 ticks a second.
 */
export function parseProcCpuSeconds(text: string): number | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 3… of the line: utime and stime are the 14th and 15th, the 12th and 13th here.
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? (user + system) / 100 : null;
}

export async function readProcCpuSeconds(pid: number): Promise<number | null> {
  const text = await readProc(pid, 'stat');
  return text === null ? null : parseProcCpuSeconds(text);
}

/** Garbage-collection pauses of the child since `countGc()`: how many, and their total. */
export interface GcPauses {
  readonly count: number;
  readonly major: number;
  readonly totalMs: number;
}

/** `process.memoryUsage()` of the child, in MB. */
export interface HeapMemory {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
}

export interface InspectorSession {
  memoryUsage(): Promise<HeapMemory>;
  /** Start counting GC pauses (a PerformanceObserver of `gc` entries in the child). */
  countGc(): Promise<void>;
  gcPauses(): Promise<GcPauses>;
  /** A full, compacting collection (HeapProfiler.collectGarbage): for a diagnostic reading only. */
  collectGarbage(): Promise<void>;
  close(): void;
}

/** Attach to the inspector of a process started with `--inspect=127.0.0.1:<port>`. */
export async function attachInspector(port: number): Promise<InspectorSession> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const target = targets[0];
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id as number);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('inspector closed'));
    pending.clear();
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  const evaluate = async (expression: string): Promise<unknown> => {
    const { result, exceptionDetails } = (await send('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string };
    };
    if (exceptionDetails) throw new Error(`inspector: ${exceptionDetails.text}`);
    return result.value;
  };
  return {
    async memoryUsage() {
      const usage = JSON.parse(
        (await evaluate('JSON.stringify(process.memoryUsage())')) as string,
      ) as NodeJS.MemoryUsage;
      return {
        rssMb: usage.rss / MB,
        heapUsedMb: usage.heapUsed / MB,
        heapTotalMb: usage.heapTotal / MB,
        externalMb: usage.external / MB,
        arrayBuffersMb: usage.arrayBuffers / MB,
      };
    },
    async countGc() {
      await evaluate(
        `globalThis[${JSON.stringify(GC_COUNTER)}] = { count: 0, major: 0, totalMs: 0 };
        new PerformanceObserver((list) => {
          const counter = globalThis[${JSON.stringify(GC_COUNTER)}];
          for (const entry of list.getEntries()) {
            counter.count++;
            counter.totalMs += entry.duration;
            if (entry.detail?.kind === 4) counter.major++; // NODE_PERFORMANCE_GC_MAJOR
          }
        }).observe({ entryTypes: ['gc'] });
        undefined`,
      );
    },
    async gcPauses() {
      return JSON.parse(
        (await evaluate(`JSON.stringify(globalThis[${JSON.stringify(GC_COUNTER)}])`)) as string,
      ) as GcPauses;
    },
    async collectGarbage() {
      await send('HeapProfiler.collectGarbage');
    },
    close() {
      socket.close();
    },
  };
}
