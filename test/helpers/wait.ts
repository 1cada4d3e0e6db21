// Small waiting helpers for tests of things that happen in the background. Bounded in time (they fail with what
// they waited for), never a timing assertion.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Polls `check` until it is true, for at most `timeoutMs`; fails naming `what`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls `probe` until it returns a value, for at most `timeoutMs`; fails naming `what`. */
export async function untilValue<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  let value: T | undefined;
  await until(async () => (value = await probe()) !== undefined, what, timeoutMs);
  return value as T;
}

/** A TCP port free on 127.0.0.1 right now (for a child process that must be told its port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Stops a child process and waits for it, bounded: SIGTERM, then SIGKILL after `graceMs`. A child that has already
 * exited (or died of a signal) returns at once: waiting for an 'exit' event that has passed would never end.
 */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  if (!gone()) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    if ((await Promise.race([exited, late])) === 'late') {
      child.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }
  return { code: child.exitCode, signal: child.signalCode };
}
