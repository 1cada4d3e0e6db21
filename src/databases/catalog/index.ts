// Opens the catalog store the configuration names and makes sure its table exists. The only place that chooses:
// DYNAMODB_ENDPOINT unset → dynalite in-process on LevelDB in `<dataDir>/dynamodb`; a URL → that endpoint (DynamoDB
// Local, a shared dynalite); 'aws' → DynamoDB itself with the default credential chain.
import path from 'node:path';
import type { Config } from '../../config/env.ts';
import type { CatalogRepository } from './repository.ts';
import { DynamoCatalogRepository } from './dynamo-repository.ts';
import { startDynalite, type DynaliteServer } from './dynalite-server.ts';

export { CatalogConflictError, type CatalogEntity, type CatalogRepository, type Page } from './repository.ts';
export { InvalidCursorError } from './cursor.ts';
export { DynamoCatalogRepository, type DynamoCatalogOptions } from './dynamo-repository.ts';
export { CatalogReadModel, type CatalogReadModelOptions, type CategoryWithCount, type ReadModelStats } from './read-model.ts';
export { startDynalite, type DynaliteServer } from './dynalite-server.ts';

export type CatalogConfig = Pick<Config, 'DYNAMODB_ENDPOINT' | 'DYNAMODB_TABLE' | 'AWS_REGION' | 'dataDir'>;

export interface OpenCatalog {
  readonly repo: CatalogRepository;
  /** For the start-up log: which kind of DynamoDB this is. */
  readonly endpointKind: 'dynalite' | 'endpoint' | 'aws';
  /** Closes the repository, then the embedded server if one was started. */
  close(): Promise<void>;
}

export async function openCatalog(config: CatalogConfig): Promise<OpenCatalog> {
  const server = config.DYNAMODB_ENDPOINT ? null : await startDynalite({ path: path.join(config.dataDir, 'dynamodb') });
  const endpoint = server ? server.endpoint : config.DYNAMODB_ENDPOINT;
  const kind = server ? 'dynalite' : endpoint === 'aws' ? 'aws' : 'endpoint';
  return opened(new DynamoCatalogRepository({ client: endpoint, region: config.AWS_REGION, tableName: config.DYNAMODB_TABLE }), kind, server);
}

/** A throwaway catalog (dynalite in memory), schema created: for tests and tools that need no folder. */
export async function openInMemoryCatalog(tableName = 'vitrine-catalog'): Promise<OpenCatalog> {
  const server = await startDynalite();
  return opened(new DynamoCatalogRepository({ client: server.endpoint, region: 'us-east-1', tableName }), 'dynalite', server);
}

async function opened(repo: DynamoCatalogRepository, endpointKind: OpenCatalog['endpointKind'], server: DynaliteServer | null): Promise<OpenCatalog> {
  const close = async (): Promise<void> => {
    await repo.close();
    await server?.close();
  };
  try {
    await repo.ensureSchema();
  } catch (err) {
    await close().catch(() => {}); // the schema error is the one worth reporting
    throw err;
  }
  return { repo, endpointKind, close };
}
