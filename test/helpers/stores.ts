// Throwaway stores for tests of code that works on the ports directly (handlers, seeding, the advisor): the catalog
// on in-memory dynalite, the relational database on in-memory PGlite, objects in a temp folder. close() removes all.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openInMemoryCatalog, type OpenCatalog } from '../../src/databases/catalog/index.ts';
import { openInMemoryRelational, type Relational } from '../../src/databases/relational/index.ts';
import { FsObjectStore } from '../../src/storage/fs-store.ts';

export interface TestStores {
  readonly catalog: OpenCatalog;
  readonly relational: Relational;
  readonly objects: FsObjectStore;
  close(): Promise<void>;
}

export async function openTestStores(): Promise<TestStores> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-stores-'));
  const catalog = await openInMemoryCatalog();
  const relational = await openInMemoryRelational();
  const objects = new FsObjectStore(path.join(dir, 'objects'));
  return {
    catalog,
    relational,
    objects,
    close: async () => {
      await catalog.close();
      await relational.close();
      await objects.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
