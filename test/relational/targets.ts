// The two databases every relational contract test runs against: PGlite in a temp folder, and a fresh database on
// the real Postgres (admin URL from TEST_DATABASE_URL, else postgres@127.0.0.1:5432). When that server is
// unreachable the Postgres suite is skipped with the reason, except in CI, where it fails.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { RelationalConfig } from '../../src/databases/relational/index.ts';

export interface Target {
  readonly name: 'pglite' | 'postgres';
  /** A reason to skip this target's suite, or false. */
  readonly skip: string | false;
  /** A new, empty database (PGlite: a new temp folder); every one is removed by cleanup(). */
  fresh(): Promise<RelationalConfig>;
  cleanup(): Promise<void>;
}

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function relationalTargets(): Promise<Target[]> {
  return [pgliteTarget(), await postgresTarget()];
}

function pgliteTarget(): Target {
  const dirs: string[] = [];
  return {
    name: 'pglite',
    skip: false,
    async fresh() {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-relational-'));
      dirs.push(dir);
      return { dataDir: dir, DATABASE_URL: undefined, DATABASE_POOL_MAX: 10 };
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
    },
  };
}

async function postgresTarget(): Promise<Target> {
  const reason = await unreachable();
  if (reason !== null) {
    const message = `real Postgres at ${redact(ADMIN_URL)} is unreachable (${reason})`;
    if (process.env.CI === 'true') throw new Error(`test: ${message}; CI requires it`);
    console.log(`# skipping the postgres contract suite: ${message}`);
  }
  const created: string[] = [];
  return {
    name: 'postgres',
    skip: reason === null ? false : `real Postgres unreachable: ${reason}`,
    async fresh() {
      const name = `vitrine_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`create database ${name}`));
      created.push(name);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return { DATABASE_URL: url.toString(), DATABASE_POOL_MAX: 10, dataDir: os.tmpdir() };
    },
    async cleanup() {
      const names = created.splice(0);
      // with (force) ends connections a failed test may have left open.
      await admin(async (c) => {
        for (const name of names) await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

async function unreachable(): Promise<string | null> {
  try {
    await admin((c) => c.query('select 1'));
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs` (a hang guard, not a measurement). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`test: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
