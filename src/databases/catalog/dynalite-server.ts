// dynalite (a DynamoDB API server on LevelDB) run in-process: the catalog's embedded default for `npm start`, with
// its data under `<dataDir>/dynamodb`, and the fast in-memory store for tests. Listens on 127.0.0.1 only, on a port
// the OS picks. One process at a time can open a LevelDB folder (it holds a LOCK file).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { lockFolder } from '../folder-lock.ts';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations; its factory returns a plain http.Server (see its index.js).
// Required when a server starts, so a process given DYNAMODB_ENDPOINT never loads it (nor LevelDB's native addon).
const require = createRequire(import.meta.url);
type Dynalite = (options: DynaliteOptions) => Server;

export interface DynaliteServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface DynaliteServerOptions {
  /** LevelDB folder (created if missing); omit for an in-memory store that vanishes on close. */
  readonly path?: string;
  /** How long CreateTable stays CREATING; dynalite's default of 500 ms only slows start-up. */
  readonly createTableMs?: number;
}

export async function startDynalite(options: DynaliteServerOptions = {}): Promise<DynaliteServer> {
  const dir = options.path === undefined ? undefined : path.resolve(options.path);
  const release =
    dir === undefined ? () => {} : lockFolder(dir, 'catalog: the dynalite folder', 'set DYNAMODB_ENDPOINT so several processes share one DynamoDB');
  try {
    return await listen(dir, options.createTableMs ?? 20, release);
  } catch (err) {
    release();
    throw err;
  }
}

async function listen(dir: string | undefined, createTableMs: number, release: () => void): Promise<DynaliteServer> {
  if (dir) await mkdir(dir, { recursive: true });
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({
    ...(dir ? { path: dir } : {}),
    createTableMs,
    deleteTableMs: createTableMs,
    updateTableMs: createTableMs,
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`dynalite-server: cannot listen: ${err.message}`));
    server.once('error', onError);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo; // listening on TCP, so the address is an AddressInfo
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // dynalite's close stops the HTTP server, then closes LevelDB once pending operations finish.
        server.close((err) => {
          release();
          if (err) reject(new Error(`dynalite-server: close failed: ${err.message}`));
          else resolve();
        });
        // Clients with keep-alive sockets would otherwise hold the close open until they time out.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
