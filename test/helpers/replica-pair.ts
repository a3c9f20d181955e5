/**
 * A private primary and a streaming replica of it (hot standby), each on its own port and
 * temporary directory, for tests of the API's read replica (docs/replicas.md). The primary is a
 * PrivatePostgres (initdb with trust authentication); the replica is made as an operator would:
 * `pg_basebackup -R` from the primary (a base backup plus `standby.signal` and `primary_conninfo`),
 * then started. As root, both run as the `postgres` user (Postgres refuses to run as root).
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../bench/child-server.js';
import { expectEventually } from './eventually.js';
import { PrivatePostgres, postgresBinDir } from './postgres-server.js';

const run = promisify(execFile);

/** The server binaries' own directory: PATH may hold links to initdb and pg_ctl only, not pg_basebackup. */
function serverBinDir(): string {
  const bin = postgresBinDir();
  if (!bin) throw new Error('initdb/pg_ctl not found (install the PostgreSQL server package)');
  const dir = dirname(realpathSync(join(bin, 'pg_ctl')));
  if (!existsSync(join(dir, 'pg_basebackup'))) throw new Error(`pg_basebackup not found beside ${dir}/pg_ctl`);
  return dir;
}

/** One statement on a connection of its own (the servers here come and go). */
async function queryOnce<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class ReplicaPair {
  private constructor(
    readonly primary: PrivatePostgres,
    private readonly bin: string,
    private readonly dir: string,
    /** The replica's port. */
    readonly replicaPort: number,
    private readonly asUser: string | null,
  ) {}

  /**
   * Start a primary, check that it can feed a replica, take a base backup of it and start that as
   * a hot standby; resolves once the standby is in recovery and has replayed all the primary had.
   * Whatever was started is removed again if a step fails.
   */
  static async start(): Promise<ReplicaPair> {
    const bin = serverBinDir();
    const primary = await PrivatePostgres.start();
    let dir: string | null = null;
    try {
      await expectPrimaryCanStream(primary.url());
      dir = await mkdtemp(join(tmpdir(), 'catalog-replica-'));
      const asUser = asRunner();
      if (asUser) {
        const { stdout: uid } = await run('id', ['-u', asUser]);
        const { stdout: gid } = await run('id', ['-g', asUser]);
        await chown(dir, Number(uid.trim()), Number(gid.trim()));
      }
      const pair = new ReplicaPair(primary, bin, dir, await freePort(), asUser);
      // -R writes standby.signal and primary_conninfo (this primary's host and port); -X stream
      // copies the WAL written during the backup, so the standby starts consistent.
      await pair.exec('pg_basebackup', [
        ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
        ...['-D', pair.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
      ]);
      await pair.startReplica();
      await pair.caughtUp();
      return pair;
    } catch (error) {
      if (dir) {
        await stopQuietly(bin, asRunner(), dir);
        await rm(dir, { recursive: true, force: true });
      }
      await primary.destroy();
      throw error;
    }
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A connection URL for `database` on the primary. */
  primaryUrl(database = 'postgres'): string {
    return this.primary.url(database);
  }

  /** A connection URL for `database` on the replica. */
  replicaUrl(database = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.replicaPort}/${database}`;
  }

  /** Start the standby (again) and wait until it answers read-only queries in recovery. */
  async startReplica(): Promise<void> {
    const options = `-c listen_addresses=127.0.0.1 -p ${this.replicaPort} -k ${this.dir} -c fsync=off -c hot_standby=on`;
    await this.exec('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-o', options, '-w', 'start']);
    await expectEventually(async () => {
      const [row] = await queryOnce<{ recovering: boolean }>(
        this.replicaUrl(),
        'SELECT pg_is_in_recovery() AS recovering',
      );
      if (row?.recovering !== true) throw new Error('the replica is not in recovery (not a standby)');
    }, 20_000);
  }

  /** Stop the standby now (fast shutdown: its sessions are ended, new connections refused). */
  async stopReplica(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  /** Resolve once the replica has replayed everything the primary has written so far. */
  async caughtUp(timeoutMs = 20_000): Promise<void> {
    const [primary] = await queryOnce<{ lsn: string }>(this.primaryUrl(), 'SELECT pg_current_wal_lsn()::text AS lsn');
    await expectEventually(async () => {
      const [row] = await queryOnce<{ replayed: boolean | null }>(
        this.replicaUrl(),
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS replayed',
        [primary!.lsn],
      );
      if (row?.replayed !== true) throw new Error(`the replica has not replayed up to ${primary!.lsn} yet`);
    }, timeoutMs);
  }

  /** Stop applying WAL on the replica (it keeps receiving it): what it serves stays as it is now. */
  async pauseReplay(): Promise<void> {
    await queryOnce(this.replicaUrl(), 'SELECT pg_wal_replay_pause()');
    await expectEventually(async () => {
      const [row] = await queryOnce<{ state: string }>(
        this.replicaUrl(),
        'SELECT pg_get_wal_replay_pause_state() AS state',
      );
      if (row?.state !== 'paused') throw new Error(`replay is ${row?.state}, not paused yet`);
    }, 10_000);
  }

  async resumeReplay(): Promise<void> {
    await queryOnce(this.replicaUrl(), 'SELECT pg_wal_replay_resume()');
  }

  /** Stop both servers and remove their files. */
  async destroy(): Promise<void> {
    await stopQuietly(this.bin, this.asUser, this.dir);
    await rm(this.dir, { recursive: true, force: true });
    await this.primary.destroy();
  }

  private async exec(tool: string, args: readonly string[]): Promise<void> {
    await execAs(this.bin, this.asUser, this.dir, tool, args);
  }
}

async function execAs(
  bin: string,
  asUser: string | null,
  cwd: string,
  tool: string,
  args: readonly string[],
): Promise<void> {
  const command = join(bin, tool);
  const [file, argv] = asUser ? ['runuser', ['-u', asUser, '--', command, ...args]] : [command, [...args]];
  await run(file, argv, { cwd, timeout: 60_000 });
}

/** The user the servers run as: `postgres` when the tests run as root, else the tests' own. */
function asRunner(): string | null {
  return process.getuid?.() === 0 ? 'postgres' : null;
}

/** An immediate stop of the standby in `dir`, if one runs there. */
async function stopQuietly(bin: string, asUser: string | null, dir: string): Promise<void> {
  if (!existsSync(join(dir, 'data', 'postmaster.pid'))) return;
  await execAs(bin, asUser, dir, 'pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(
    () => undefined,
  );
}

/**
 * What a primary needs to feed a streaming replica, read from the server itself: WAL for a
 * replica (`wal_level` replica or logical), WAL senders, and a `replication` entry in pg_hba.conf
 * for 127.0.0.1 (initdb writes one, with the method given by `-A`).
 */
async function expectPrimaryCanStream(url: string): Promise<void> {
  const [settings] = await queryOnce<{ walLevel: string; walSenders: number }>(
    url,
    `SELECT current_setting('wal_level') AS "walLevel", current_setting('max_wal_senders')::int AS "walSenders"`,
  );
  const rules = await queryOnce<{ address: string | null }>(
    url,
    `SELECT address FROM pg_hba_file_rules WHERE type = 'host' AND 'replication' = ANY(database) AND error IS NULL`,
  );
  const problems = [
    ...(settings?.walLevel === 'replica' || settings?.walLevel === 'logical'
      ? []
      : [`wal_level is ${settings?.walLevel}`]),
    ...((settings?.walSenders ?? 0) > 0 ? [] : ['max_wal_senders is 0']),
    ...(rules.some((rule) => rule.address === 'all' || rule.address === '127.0.0.1')
      ? []
      : ['no replication entry for 127.0.0.1 in pg_hba.conf']),
  ];
  if (problems.length > 0) throw new Error(`the primary cannot feed a replica: ${problems.join('; ')}`);
}
