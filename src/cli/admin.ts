// `vitrine admin:create --email X`: the first admin (and any later one) without going through the shop. The password
// is typed twice without echo on a terminal, or read from the first line of stdin when piped
// (`printf '%s\n' "$PW" | vitrine admin:create --email a@example.com`); never taken from an argument (it would sit
// in the shell history and in `ps`), never defaulted, and refused when weak (domain/accounts.ts passwordProblems).
// With the embedded PGlite the shop must be stopped first: one process at a time owns the data folder.
import type { Config } from '../config/env.ts';
import { MAX_PASSWORD_LENGTH, normaliseEmail } from '../domain/accounts.ts';
import { openRelational } from '../databases/relational/index.ts';
import { createAdmin, requireStrong } from '../compute/accounts/accounts.ts';

export class CliInputError extends Error {
  readonly code = 'INVALID_INPUT';
}

export interface AdminCreateOptions {
  readonly email: string;
  readonly name?: string;
  /** Make an existing account an admin instead (no password asked; its own is kept). */
  readonly promote?: boolean;
}

export async function adminCreateCommand(config: Config, opts: AdminCreateOptions): Promise<void> {
  const email = normaliseEmail(opts.email);
  const password = opts.promote ? undefined : await readPassword();
  if (password !== undefined) requireStrong(password, email, 'password'); // before touching any database
  // With PGlite, opening takes the folder's lock: a running shop on the same folder is refused, clearly.
  const relational = await openRelational(config);
  try {
    const { account, created } = await createAdmin(relational.db, { email, password, name: opts.name, promote: opts.promote });
    process.stdout.write(`${created ? 'Created admin' : 'Made admin'} ${account.email} (account ${account.id})\n`);
  } finally {
    await relational.close();
  }
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await promptHidden('Password for the new admin: ');
    const second = await promptHidden('Same password again: ');
    if (first !== second) throw new CliInputError('the two passwords differ; nothing was created');
    return first;
  }
  const line = await firstLineOfStdin();
  if (line === '') throw new CliInputError('no password: pipe it on stdin (one line) or run on a terminal to be asked for it');
  return line;
}

/** The first line of piped stdin, without its line ending. */
async function firstLineOfStdin(): Promise<string> {
  const limit = MAX_PASSWORD_LENGTH * 4 + 2;
  let text = '';
  for await (const chunk of process.stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n') || text.length > limit) break;
  }
  process.stdin.destroy();
  return (text.split('\n')[0] ?? '').replace(/\r$/, '');
}

/** Reads one line from the terminal in raw mode, echoing nothing. Ctrl+C cancels. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  stdin.setRawMode(true); // before the prompt shows: whatever is typed after it must never echo
  stdin.setEncoding('utf8');
  stdin.resume();
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) {
          finish();
          reject(new CliInputError('cancelled; nothing was created'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
