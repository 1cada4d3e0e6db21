// Starts an s3rver (an S3-compatible server) on 127.0.0.1 with an OS-chosen port and a temp folder, with one
// bucket ready, for tests of code that talks S3. stop() ends it and removes the folder.
//
// It runs in a child process with --openssl-legacy-provider: s3rver 3.7 encrypts ListObjectsV2 continuation tokens
// with DES, which OpenSSL 3 refuses without that provider, so any listing longer than one page would fail with
// InternalError. A separate process also makes the S3 traffic a real network hop, as in production.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface S3rverHandle {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** s3rver accepts these fixed credentials. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

// The child: start s3rver, report its port over IPC, close on "stop" or when the parent goes away.
const CHILD = `
const S3rver = require(process.env.S3RVER_PATH);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: process.env.S3RVER_DIR, silent: true,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET }] });
const stop = () => server.close().finally(() => process.exit(0));
process.on('message', (m) => { if (m === 'stop') stop(); });
process.on('disconnect', stop);
server.run().then((addr) => process.send({ port: addr.port }), (err) => { console.error(err); process.exit(1); });
`;

export async function startS3rver(bucket = 'vitrine-test'): Promise<S3rverHandle> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '',
      S3RVER_PATH: createRequire(import.meta.url).resolve('s3rver'),
      S3RVER_DIR: directory,
      S3RVER_BUCKET: bucket,
    },
  });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`s3rver harness: server exited with code ${code} before listening`)));
      child.once('error', reject);
    });
  } catch (err) {
    child.kill();
    await fs.rm(directory, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async stop() {
      await stopChild(child);
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  // close() waits for open connections; if a client left one hanging, do not hang the test run with it.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
