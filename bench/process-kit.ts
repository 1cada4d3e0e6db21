// What every bench that runs the API as a child process needs: a free port (the tests' own helper), waiting for
// the API to answer, stopping it, its resident memory, and the median the round-based benches report.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export { freePort } from '../test/helpers/wait.ts';

/** Resolves once `url` answers 2xx; throws when the child exits first or `timeoutMs` passes. */
export async function waitFor(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bench: the API exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`bench: ${url} not ready after ${timeoutMs} ms`);
}

/** SIGTERM, then waits for the exit (the API's graceful shutdown); nothing to do when it has already exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Resident memory of a process from /proc (Linux), in MB; NaN when it cannot be read. */
export function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

/**
 * The API as production runs it: the esbuild bundle of the sources (`npm run build:server`, which each bench's npm
 * script runs first), not the sources through tsx's loader, whose in-memory transpile costs about 75 MB of RSS.
 */
export function apiEntry(): string {
  const entry = 'dist/server/main.js';
  if (!existsSync(entry)) throw new Error(`bench: ${entry} is missing; run npm run build:server (the bench's npm script does)`);
  return entry;
}
