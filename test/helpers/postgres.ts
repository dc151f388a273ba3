import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real PostgreSQL for tests: Debian's binaries, a cluster initdb'd in a temp folder, listening
 * only on a Unix socket in that folder (no port to collide on). One cluster per test file (start-up
 * costs a second or two), a fresh database per test. Never a mock.
 */
export interface PostgresCluster {
  /** The folder holding the socket: the URL's `host`. */
  socketDir: string;
  /** The URL of database `db` (default `postgres`), as a user writes it in `store.url`. */
  url(db?: string): string;
  /** CREATE DATABASE with a new name (a copy of `template` when given); resolves its name and URL. */
  createDatabase(template?: string): Promise<{ name: string; url: string }>;
  /** Stops the server (immediate mode) keeping its data, as an outage would. */
  pause(): void;
  /** Starts it again on the same socket and data after pause(). */
  resume(): void;
  /** Stops it and removes the folder; safe to call twice. */
  stop(): void;
}

/** The folder of initdb/pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<major>/bin (newest). */
export function postgresBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const major = majors[0];
  if (major === undefined)
    throw new Error("no PostgreSQL binaries: install Debian's postgresql package (.ci/run does)");
  return join(root, major, 'bin');
}

/** initdb refuses to run as root: as root, run the server as `nobody`, which then owns the folder. */
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

function runAsOwner(command: string, args: string[]): void {
  const [file, argv] = AS_ROOT
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command, ...args]]
    : [command, args];
  execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
}

/** Kills the postmaster of `dataDir` (its pid is the first line of postmaster.pid), if it runs. */
function killPostmaster(dataDir: string): void {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // not running
  }
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const root = mkdtempSync(join(tmpdir(), 'mcpctl-pg-'));
  if (AS_ROOT) chownSync(root, NOBODY, NOBODY);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  // Durability is not what these tests measure: fsync off makes CREATE DATABASE and commits cheap.
  const options = [
    `-k ${root}`,
    "-c listen_addresses=''",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
    '-c shared_buffers=16MB',
  ].join(' ');
  const start = () => runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', options, '-w', 'start']);
  const halt = () => {
    try {
      runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      killPostmaster(dataDir);
    }
  };
  let stopped = false;
  // One connection for every CREATE DATABASE of the file: a new backend per test costs more than the copy.
  let admin: Promise<pg.Client> | undefined;
  // A worker that dies without afterAll must not leave a server behind.
  const onExit = () => {
    killPostmaster(dataDir);
    rmSync(root, { recursive: true, force: true });
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void admin?.then((client) => client.end()).catch(() => undefined);
    process.off('exit', onExit);
    halt();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    runAsOwner(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
    start();
    process.on('exit', onExit);
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    stop();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${stderr}\n${log}`);
  }
  const url = (db = 'postgres') => `postgres://postgres@localhost/${db}?host=${encodeURIComponent(root)}`;
  let databases = 0;
  const adminClient = () => {
    admin ??= (async () => {
      const client = new pg.Client({ connectionString: url() });
      // The server going away under it (pause, stop) must not end the test process.
      client.on('error', () => {
        admin = undefined;
      });
      await client.connect();
      return client;
    })();
    return admin;
  };
  return {
    socketDir: root,
    url,
    async createDatabase(template) {
      const name = `t${++databases}`;
      // FILE_COPY: with fsync off, copying the files beats writing the template through the WAL.
      const from = template === undefined ? '' : ` TEMPLATE ${template}`;
      await (await adminClient()).query(`CREATE DATABASE ${name}${from} STRATEGY FILE_COPY`);
      return { name, url: url(name) };
    },
    pause() {
      admin = undefined;
      halt();
    },
    resume: start,
    stop,
  };
}

/** One cluster for the test file: started before its first test, stopped after its last. */
export function usePostgres(): () => PostgresCluster {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(() => cluster?.stop());
  return () => {
    if (!cluster) throw new Error('usePostgres: use it inside a test');
    return cluster;
  };
}
