// Password hashing with argon2id (the PHC winner; OWASP's first choice), at the library's defaults: 64 MiB, 3 passes,
// 4 lanes, about 0.1 s per hash on a server core. Hashes are PHC strings carrying their own parameters, so raising
// the cost later only needs `needsRehash` on the next successful log-in.
import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import { normalisePassword } from '../../domain/accounts.ts';

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalisePassword(password), { type: argon2.argon2id });
}

let dummy: Promise<string> | undefined;

/**
 * Whether `password` matches `hash`. With no hash (no such account) it still runs one verification against a
 * throwaway hash, so that "no such account" and "wrong password" take the same time.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const pw = normalisePassword(password);
  if (hash === undefined) {
    dummy ??= argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
    await argon2.verify(await dummy, pw).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, pw);
  } catch {
    return false; // a malformed stored hash matches nothing
  }
}

/** True when a hash was made with other parameters than today's: rehash it while the password is at hand. */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash);
  } catch {
    return true;
  }
}
