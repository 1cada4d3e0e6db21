// Test helper (not a test): runs AWS's DynamoDB Local (Java) in memory for the contract tests. The emulator is
// fetched by `bash scripts/dynamodb-local.sh` into .cache/dynamodb-local/.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/wait.ts';

export const DYNAMODB_LOCAL_DIR =
  process.env.DYNAMODB_LOCAL_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.cache/dynamodb-local');

export interface DynamoDbLocal {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Why DynamoDB Local cannot run here, or null if its files are present. */
export function dynamoDbLocalMissing(dir = DYNAMODB_LOCAL_DIR): string | null {
  if (!existsSync(path.join(dir, 'DynamoDBLocal.jar')) || !existsSync(path.join(dir, 'DynamoDBLocal_lib'))) {
    return `DynamoDB Local is not in ${dir}: run "bash scripts/dynamodb-local.sh"`;
  }
  return null;
}

export async function startDynamoDbLocal(dir = DYNAMODB_LOCAL_DIR, timeoutMs = 60_000): Promise<DynamoDbLocal> {
  const missing = dynamoDbLocalMissing(dir);
  if (missing) throw new Error(`dynamodb-local: ${missing}`);
  const port = await freePort();
  const child = spawn(
    'java',
    [`-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`, '-jar', path.join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-disableTelemetry', '-port', String(port)],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`dynamodb-local: cannot start java: ${err.message}`))));
  spawnError.catch(() => undefined);

  const endpoint = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedEarly) throw new Error(`dynamodb-local: exited before answering:\n${output}`);
    // Any HTTP answer (even "missing authentication") means the server is up.
    const up = await Promise.race([
      fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(2000) }).then(() => true, () => false),
      spawnError,
    ]);
    if (up) return { endpoint, close };
    if (Date.now() > deadline) {
      await close();
      throw new Error(`dynamodb-local: no answer on ${endpoint} after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
