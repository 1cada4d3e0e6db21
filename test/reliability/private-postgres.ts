// A PostgreSQL cluster of its own for a test that stops and crashes the server: initdb into a temp folder, started
// with pg_ctl on a free port (TCP on 127.0.0.1 only, its socket in the same temp folder), so the machine's shared
// server on 5432, which other tests and sessions use, is never touched. Needs Debian's PostgreSQL binaries and root
// (the cluster runs as the `postgres` user, which PostgreSQL requires); `unavailable()` says why it cannot run.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../helpers/wait.ts';

const run = promisify(execFile);

/** The newest installed server's bin folder (/usr/lib/postgresql/<version>/bin), or undefined. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(a) - Number(b));
  return versions.length > 0 ? path.join(root, versions.at(-1)!, 'bin') : undefined;
}

/** Why a private cluster cannot be made here, or false. */
export function unavailable(): string | false {
  if (!binDir()) return 'PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin/pg_ctl) are not installed';
  if (process.getuid?.() !== 0) return 'a private cluster is run as the postgres user, which needs root';
  return false;
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  /** The cluster's superuser URL on 127.0.0.1 (trust authentication, as initdb sets it for a private cluster). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const bin = binDir();
    if (!bin) throw new Error(`private-postgres: ${unavailable()}`);
    // /tmp rather than TMPDIR: the postgres user must be able to reach it.
    const dir = await fs.mkdtemp('/tmp/vitrine-pg-');
    await fs.chmod(dir, 0o755);
    await run('chown', ['postgres:postgres', dir]);
    const pgdata = path.join(dir, 'data');
    await asPostgres(path.join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const p = new PrivatePostgres(dir, await freePort(), bin);
    await p.start();
    return p;
  }

  /** Starts the server and waits until it accepts connections (pg_ctl -w). */
  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    await asPostgres(path.join(this.bin, 'pg_ctl'), ['-D', path.join(this.dir, 'data'), '-o', opts, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '120', 'start']);
  }

  /** `fast`: a clean shutdown (sessions are ended with 57P01); `immediate`: the server quits at once, as in a crash. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await asPostgres(path.join(this.bin, 'pg_ctl'), ['-D', path.join(this.dir, 'data'), '-m', mode, '-w', '-t', '120', 'stop']);
  }

  /** Answers a query (a hang guard for the test's own waits). */
  async accepts(): Promise<boolean> {
    const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  }

  async log(): Promise<string> {
    return fs.readFile(path.join(this.dir, 'server.log'), 'utf8').catch(() => '');
  }

  /** Stops the server (whatever state it is in) and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => {});
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

async function asPostgres(cmd: string, args: string[]): Promise<void> {
  try {
    await run('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: '/tmp' });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`private-postgres: ${path.basename(cmd)} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}
