import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL cluster of the test's own: initdb in a temporary folder, started on a Unix
 * socket in that folder (no TCP port), stopped and removed when the test ends. PostgreSQL
 * refuses to run as root, so as root it runs as the `postgres` user Debian's package makes.
 */
const BIN = process.env['SEMBLANCE_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const EXTENSION = process.env['SEMBLANCE_PG_SHARE'] ?? '/usr/share/postgresql/15/extension/vector.control';
const asRoot = process.getuid?.() === 0;

/** Why no cluster can be started here, or undefined when one can. */
export const postgresMissing: string | undefined = !fs.existsSync(path.join(BIN, 'initdb'))
  ? `PostgreSQL's programs are not in ${BIN} (apt-get install postgresql)`
  : !fs.existsSync(EXTENSION)
    ? `pgvector is not installed for PostgreSQL 15 (${EXTENSION} is absent; see ../shared/vendor/VENDOR.md)`
    : asRoot && spawnSync('id', ['postgres']).status !== 0
      ? 'running as root, and there is no postgres user to run PostgreSQL as'
      : undefined;

export interface TestCluster {
  /** postgres://… on the cluster's socket, to database `semblance`. */
  url: string;
  /** Another database on the same cluster. */
  database(name: string): string;
  stop(): void;
}

function run(program: string, args: string[]): string {
  const [command, all] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, program), ...args]] : [path.join(BIN, program), args];
  return execFileSync(command, all, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts a cluster with a database `semblance`; stopped when the test (or process) ends. `settings`: more server settings (the bench's memory for index builds). */
export function startPostgres(t?: { after(fn: () => void): void }, settings: Record<string, string> = {}): TestCluster {
  if (postgresMissing) throw new Error(postgresMissing);
  // A short path: a Unix socket's path is limited to about 100 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sem-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const all = { listen_addresses: "''", fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '40', maintenance_work_mem: '512MB', ...settings };
  const options = `-k ${dir} ${Object.entries(all)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ')}`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', stop);
  t?.after(stop);
  const database = (name: string): string => {
    run('createdb', ['-h', dir, '-U', 'postgres', name]);
    return `postgres://postgres@localhost/${name}?host=${encodeURIComponent(dir)}`;
  };
  return { url: database('semblance'), database, stop };
}
