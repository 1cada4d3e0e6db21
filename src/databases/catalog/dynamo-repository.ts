// The catalog repository on the DynamoDB API: dynalite in-process by default, DynamoDB Local in tests, DynamoDB
// on AWS. Only single-item operations (Get/Put/Delete/Query/Scan): dynalite has no TransactWriteItems or PartiQL,
// so every entity is one item and every write of an entity is one atomic, conditional PutItem.
//
// Single-table design (table `tableName`, PAY_PER_REQUEST, every index projects ALL):
//
// | item             | PK               | SK         | GSI1PK (byCategory) | GSI1SK                | GSI2PK (bySlug) | GSI3PK / GSI3SK (changes)                 |
// |------------------|------------------|------------|---------------------|-----------------------|-----------------|-------------------------------------------|
// | product          | PRODUCT#<id>     | PRODUCT    | CAT#<category>      | <rank16>#<id>         | SLUG#<slug>     | CHANGES / <updatedAt>#product#<id>        |
// | category         | CATEGORY#<slug>  | CATEGORY   | CATEGORIES          | <rank16>#<slug>       | -               | CHANGES / <updatedAt>#category#<slug>     |
// | asset            | ASSET#<id>       | ASSET      | -                   | -                     | -               | CHANGES / <updatedAt>#asset#<id>          |
// | media            | PRODUCT#<id>     | MEDIA      | -                   | -                     | -               | CHANGES / <updatedAt>#media#<id>          |
// | slug claim       | SLUG#<slug>      | SLUG       | -                   | -                     | -               | -  (attrs: productId, claimToken, claimedAt) |
//
// - <rank16> is the rank as 16 fixed-width hex digits of its IEEE-754 bits, flipped so that string order equals
//   numeric order (negative and fractional ranks sort right too): the "zero-padded" sort prefix.
// - A product is one item holding its options and variants with their prices, so a price change is atomic.
// - Slug uniqueness without transactions: the claim item is put first with `attribute_not_exists(PK) OR
//   productId = :id`, then the product; a failed product write releases a claim it created, a slug change releases
//   the old claim after the product write. A claim orphaned by a crash between the two writes is taken over once it
//   is older than STALE_CLAIM_MS and its product does not carry that slug.
// - Optimistic concurrency: `version` is 1 on create (condition attribute_not_exists(PK)) and expected + 1 on
//   update (condition version = expected); the repository sets updatedAt (ISO, ms), never going backwards per item.
// - GSI3 is the change feed the read model polls. One partition: fine for a catalog's write rate (a GSI partition
//   takes ~1,000 writes/s); shard GSI3PK if that ever stops being true.
// - GSI reads (getProductBySlug, listings, changedSince) are eventually consistent on AWS; Get and Scan are consistent.
import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { readCredit, type Asset3D, type Category, type Product } from '../../domain/catalog.ts';
import type { ProductMedia } from '../../domain/media.ts';
import { CatalogConflictError, type CatalogEntity, type CatalogRepository, type Page } from './repository.ts';
import { InvalidCursorError, decodeCursor, encodeCursor, isRecord } from './cursor.ts';
import { tracing } from '../../monitoring/tracing.ts';

export interface DynamoCatalogOptions {
  /**
   * Where DynamoDB is: a URL of a local endpoint (dynalite, DynamoDB Local; dummy static credentials are used),
   * 'aws' or undefined for the real service (default credential provider chain), or a full client config.
   */
  readonly client?: string | DynamoDBClientConfig;
  readonly region: string;
  readonly tableName: string;
}

/** A claim older than this whose product does not carry the slug is considered left behind by a crash. */
const STALE_CLAIM_MS = 60_000;
const CHANGES = 'CHANGES';
const CATEGORIES = 'CATEGORIES';
const MAX_PAGE = 1000;
/** Attributes that exist only for the table's keys and indexes, stripped when an item becomes an entity. */
const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI3PK', 'GSI3SK'] as const;
const INDEXES = ['GSI1', 'GSI2', 'GSI3'] as const;

type Item = Record<string, unknown>;

export class DynamoCatalogRepository implements CatalogRepository {
  readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly doc: DynamoDBDocumentClient;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(options: DynamoCatalogOptions) {
    this.tableName = options.tableName;
    // Keep-alive roughly doubles throughput against a local endpoint (no TCP handshake per call).
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 50 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 50 }),
    };
    this.client = new DynamoDBClient(clientConfig(options, this.agents));
    tracing()?.instrumentAwsClient(this.client, 'DynamoDB'); // the document client below shares its middleware stack
    this.doc = DynamoDBDocumentClient.from(this.client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    });
  }

  // ---- products -------------------------------------------------------------------------------------------------

  async putProduct(product: Product, expectedVersion?: number): Promise<Product> {
    assertKeyPart('product id', product.id);
    assertKeyPart('product slug', product.slug);
    assertExpectedVersion(expectedVersion);
    // An update reads the stored item first: it needs the old slug (to release its claim) and createdAt.
    const current = expectedVersion === undefined ? null : await this.getProduct(product.id);
    if (expectedVersion !== undefined) {
      if (!current) throw new CatalogConflictError(`catalog: product ${product.id} does not exist (expected version ${expectedVersion})`);
      if (current.version !== expectedVersion) {
        throw new CatalogConflictError(
          `catalog: product ${product.id} is at version ${current.version}, not ${expectedVersion}: it was changed by another writer`,
        );
      }
    }
    const updatedAt = nextTimestamp(current?.updatedAt);
    const stored: Product = {
      ...product,
      version: (expectedVersion ?? 0) + 1,
      createdAt: current?.createdAt ?? (isIso(product.createdAt) ? product.createdAt : updatedAt),
      updatedAt,
    };
    const claim = current?.slug === product.slug ? null : await this.claimSlug(product.slug, product.id);
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: productItem(stored), ...versionCondition(expectedVersion) }));
    } catch (err) {
      if (claim?.created) await this.releaseSlug(product.slug, product.id, claim.token).catch(() => undefined);
      throw conflictOr(err, expectedVersion === undefined
        ? `catalog: product ${product.id} already exists`
        : `catalog: product ${product.id} was changed by another writer (expected version ${expectedVersion})`);
    }
    // Best effort: if this fails the old claim is stale and will be taken over (see STALE_CLAIM_MS).
    if (current && current.slug !== product.slug) await this.releaseSlug(current.slug, product.id).catch(() => undefined);
    return stored;
  }

  async getProduct(id: string): Promise<Product | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: productKey(id), ConsistentRead: true }));
    return out.Item ? (toEntity(out.Item) as Product) : null;
  }

  async getProductBySlug(slug: string): Promise<Product | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': `SLUG#${slug}` },
      }),
    );
    // More than one item only while a slug moves between products and the index catches up: take the newest.
    const found = (out.Items ?? []).map((i) => toEntity(i) as Product).filter((p) => p.slug === slug);
    found.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
    return found[0] ?? null;
  }

  async listProductsByCategory(category: string, opts: { limit: number; cursor?: string }): Promise<Page<Product>> {
    assertLimit(opts.limit);
    let startKey = opts.cursor === undefined ? undefined : decodeListCursor(opts.cursor, category);
    if (category === '') return { items: [] }; // products without a category are not in GSI1
    const items: Item[] = [];
    // Ask for one more than the page so the last page carries no cursor; loop because a 1 MB response can stop short.
    do {
      let out;
      try {
        out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': `CAT#${category}` },
            Limit: opts.limit + 1 - items.length,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (err) {
        if (startKey && errorName(err) === 'ValidationException') throw new InvalidCursorError('catalog: invalid cursor');
        throw err;
      }
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && items.length <= opts.limit);
    const page = items.slice(0, opts.limit);
    const last = page[page.length - 1];
    const nextCursor = items.length > opts.limit && last
      ? encodeCursor({ PK: last.PK, SK: last.SK, GSI1PK: last.GSI1PK, GSI1SK: last.GSI1SK })
      : undefined;
    const products = page.map((i) => toEntity(i) as Product);
    return nextCursor ? { items: products, nextCursor } : { items: products };
  }

  // ---- categories and assets ------------------------------------------------------------------------------------

  async putCategory(category: Category, expectedVersion?: number): Promise<Category> {
    assertKeyPart('category slug', category.slug);
    assertExpectedVersion(expectedVersion);
    const stored: Category = {
      ...category,
      version: (expectedVersion ?? 0) + 1,
      updatedAt: nextTimestamp(expectedVersion === undefined ? undefined : category.updatedAt),
    };
    const item: Item = {
      ...stored,
      PK: `CATEGORY#${stored.slug}`,
      SK: 'CATEGORY',
      GSI1PK: CATEGORIES,
      GSI1SK: `${encodeRank(stored.rank)}#${stored.slug}`,
      ...changeKeys(stored.updatedAt, 'category', stored.slug),
    };
    await this.conditionalPut(item, expectedVersion, `category ${stored.slug}`);
    return stored;
  }

  async listCategories(): Promise<Category[]> {
    const items = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': CATEGORIES },
    });
    return items.map((i) => toEntity(i) as Category);
  }

  async putAsset(asset: Asset3D, expectedVersion?: number): Promise<Asset3D> {
    assertKeyPart('asset id', asset.id);
    assertExpectedVersion(expectedVersion);
    const stored: Asset3D = {
      ...asset,
      version: (expectedVersion ?? 0) + 1,
      updatedAt: nextTimestamp(expectedVersion === undefined ? undefined : asset.updatedAt),
    };
    const item: Item = { ...stored, PK: `ASSET#${stored.id}`, SK: 'ASSET', ...changeKeys(stored.updatedAt, 'asset', stored.id) };
    await this.conditionalPut(item, expectedVersion, `asset ${stored.id}`);
    return stored;
  }

  async getAsset(id: string): Promise<Asset3D | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: `ASSET#${id}`, SK: 'ASSET' }, ConsistentRead: true }));
    return out.Item ? toAsset(out.Item) : null;
  }

  async putMedia(media: ProductMedia, expectedVersion?: number): Promise<ProductMedia> {
    assertKeyPart('product id', media.productId);
    assertExpectedVersion(expectedVersion);
    const stored: ProductMedia = {
      ...media,
      version: (expectedVersion ?? 0) + 1,
      updatedAt: nextTimestamp(expectedVersion === undefined ? undefined : media.updatedAt),
    };
    // Beside the product (same partition), an item of its own: a photo finishing processing never touches the product.
    const item: Item = { ...stored, ...mediaKey(stored.productId), ...changeKeys(stored.updatedAt, 'media', stored.productId) };
    await this.conditionalPut(item, expectedVersion, `media of product ${stored.productId}`);
    return stored;
  }

  async getMedia(productId: string): Promise<ProductMedia | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: mediaKey(productId), ConsistentRead: true }));
    return out.Item ? (toEntity(out.Item) as ProductMedia) : null;
  }

  // ---- feeds ----------------------------------------------------------------------------------------------------

  async *scanAll(options: { readonly pageSize?: number } = {}): AsyncIterable<CatalogEntity> {
    let startKey: Item | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey, Limit: options.pageSize }),
      );
      for (const item of out.Items ?? []) {
        const entity = entityFromItem(item);
        if (entity) yield entity;
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  async changedSince(sinceIso: string): Promise<CatalogEntity[]> {
    const sinceMs = Date.parse(sinceIso);
    if (!Number.isFinite(sinceMs)) throw new Error(`catalog: changedSince needs an ISO-8601 time, got ${JSON.stringify(sinceIso)}`);
    // Normalised to the same ms-precision Z form the keys use, so string order is time order.
    const since = new Date(sinceMs).toISOString();
    const items = await this.queryAll({
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK >= :since',
      ExpressionAttributeValues: { ':pk': CHANGES, ':since': since },
    });
    return items.map(entityFromItem).filter((e): e is CatalogEntity => e !== null);
  }

  // ---- schema and lifecycle -------------------------------------------------------------------------------------

  async ensureSchema(): Promise<void> {
    let table = await this.describe();
    if (!table) {
      try {
        await this.client.send(new CreateTableCommand(tableDefinition(this.tableName)));
      } catch (err) {
        // Another process created it between our DescribeTable and CreateTable: wait for theirs.
        if (errorName(err) !== 'ResourceInUseException') throw err;
      }
    }
    const deadline = Date.now() + 5 * 60_000;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      table = await this.describe();
      if (table && isActive(table)) break;
      if (Date.now() > deadline) throw new Error(`catalog: table ${this.tableName} did not become ACTIVE in 5 minutes`);
      await sleep(delay);
    }
    const have = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = INDEXES.filter((i) => !have.has(i));
    if (missing.length > 0) throw new Error(`catalog: table ${this.tableName} exists without the indexes ${missing.join(', ')}`);
  }

  async check(): Promise<void> {
    const table = await this.describe();
    if (!table) throw new Error(`catalog: table ${this.tableName} does not exist`);
    if (!isActive(table)) throw new Error(`catalog: table ${this.tableName} is ${table.TableStatus}`);
  }

  async close(): Promise<void> {
    this.doc.destroy();
    this.client.destroy();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  // ---- internals ------------------------------------------------------------------------------------------------

  private async describe(): Promise<TableDescription | null> {
    try {
      const out = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
      return out.Table ?? null;
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return null;
      throw err;
    }
  }

  private async conditionalPut(item: Item, expectedVersion: number | undefined, what: string): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...versionCondition(expectedVersion) }));
    } catch (err) {
      throw conflictOr(err, expectedVersion === undefined
        ? `catalog: ${what} already exists`
        : `catalog: ${what} was changed by another writer or does not exist (expected version ${expectedVersion})`);
    }
  }

  private async queryAll(query: { IndexName: string; KeyConditionExpression: string; ExpressionAttributeValues: Item }): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...query, ExclusiveStartKey: startKey }));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Claims `slug` for `productId`. `created` says whether this call made the claim (so a failed write undoes it). */
  private async claimSlug(slug: string, productId: string): Promise<{ created: boolean; token: string }> {
    const key = { PK: `SLUG#${slug}`, SK: 'SLUG' };
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = randomUUID();
      try {
        const out = await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, productId, claimToken: token, claimedAt: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(PK) OR productId = :id',
            ExpressionAttributeValues: { ':id': productId },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return { created: out.Attributes === undefined, token };
      } catch (err) {
        if (errorName(err) !== 'ConditionalCheckFailedException') throw err;
      }
      const held = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      if (!held.Item) continue; // released meanwhile: try again
      const holderId = String(held.Item.productId);
      const holder = await this.getProduct(holderId);
      const age = Date.now() - Date.parse(String(held.Item.claimedAt));
      if (holder?.slug === slug || !(age > STALE_CLAIM_MS)) {
        throw new CatalogConflictError(`catalog: slug "${slug}" is taken by product ${holderId}`);
      }
      // Left behind by a writer that died between claim and product write: remove exactly that claim, retry.
      await this.releaseSlug(slug, holderId, String(held.Item.claimToken)).catch(() => undefined);
    }
    throw new CatalogConflictError(`catalog: slug "${slug}" is being claimed concurrently; try again`);
  }

  /** Deletes the claim if it is still `productId`'s (and, given a token, still the very claim this call made). */
  private async releaseSlug(slug: string, productId: string, token?: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { PK: `SLUG#${slug}`, SK: 'SLUG' },
          ConditionExpression: token === undefined ? 'productId = :id' : 'productId = :id AND claimToken = :token',
          ExpressionAttributeValues: token === undefined ? { ':id': productId } : { ':id': productId, ':token': token },
        }),
      );
    } catch (err) {
      if (errorName(err) !== 'ConditionalCheckFailedException') throw err;
    }
  }
}

/** Opens a repository; the caller usually follows with ensureSchema(). */
export function createDynamoCatalogRepository(options: DynamoCatalogOptions): DynamoCatalogRepository {
  return new DynamoCatalogRepository(options);
}

// ---- item mapping -----------------------------------------------------------------------------------------------

function productKey(id: string): Item {
  return { PK: `PRODUCT#${id}`, SK: 'PRODUCT' };
}

function mediaKey(productId: string): Item {
  return { PK: `PRODUCT#${productId}`, SK: 'MEDIA' };
}

function productItem(p: Product): Item {
  return {
    ...p,
    ...productKey(p.id),
    ...(p.category ? { GSI1PK: `CAT#${p.category}`, GSI1SK: `${encodeRank(p.rank)}#${p.id}` } : {}),
    GSI2PK: `SLUG#${p.slug}`,
    ...changeKeys(p.updatedAt, 'product', p.id),
  };
}

function changeKeys(updatedAt: string, kind: CatalogEntity['kind'], id: string): Item {
  return { GSI3PK: CHANGES, GSI3SK: `${updatedAt}#${kind}#${id}` };
}

function toEntity(item: Item): unknown {
  const rest: Item = { ...item };
  for (const k of KEY_ATTRIBUTES) delete rest[k];
  return rest;
}

/** An asset item as today's shape: a credit written by an older version (plain text) is dropped, not passed on. */
function toAsset(item: Item): Asset3D {
  const { credit, ...rest } = toEntity(item) as Asset3D;
  const read = readCredit(credit);
  return read ? { ...rest, credit: read } : rest;
}

// Items are only ever written by this module, so their shape is the entity's shape once the keys are stripped.
function entityFromItem(item: Item): CatalogEntity | null {
  switch (item.SK) {
    case 'PRODUCT':
      return { kind: 'product', value: toEntity(item) as Product };
    case 'CATEGORY':
      return { kind: 'category', value: toEntity(item) as Category };
    case 'ASSET':
      return { kind: 'asset', value: toAsset(item) };
    case 'MEDIA':
      return { kind: 'media', value: toEntity(item) as ProductMedia };
    default:
      return null; // slug claims
  }
}

/** 16 hex digits whose string order is the numeric order of `rank` (IEEE-754 bits, sign-flipped). */
export function encodeRank(rank: number): string {
  if (!Number.isFinite(rank)) throw new Error(`catalog: rank must be a finite number, got ${rank}`);
  const buf = Buffer.alloc(8);
  buf.writeDoubleBE(rank === 0 ? 0 : rank); // -0 and 0 are the same rank
  if (buf[0]! & 0x80) for (let i = 0; i < 8; i++) buf[i] = ~buf[i]! & 0xff;
  else buf[0] = buf[0]! | 0x80;
  return buf.toString('hex');
}

function decodeListCursor(cursor: string, category: string): Item {
  const key = decodeCursor(cursor, 'catalog');
  if (
    !isRecord(key) ||
    Object.keys(key).length !== 4 ||
    typeof key.PK !== 'string' || !key.PK.startsWith('PRODUCT#') ||
    key.SK !== 'PRODUCT' ||
    key.GSI1PK !== `CAT#${category}` ||
    typeof key.GSI1SK !== 'string' || !/^[0-9a-f]{16}#./.test(key.GSI1SK)
  ) {
    throw new InvalidCursorError('catalog: invalid cursor');
  }
  return key;
}

// ---- small helpers ----------------------------------------------------------------------------------------------

function clientConfig(options: DynamoCatalogOptions, agents: { http: http.Agent; https: https.Agent }): DynamoDBClientConfig {
  const requestHandler = { httpAgent: agents.http, httpsAgent: agents.https };
  const c = options.client;
  if (typeof c === 'object') return { requestHandler, ...c, region: c.region ?? options.region };
  if (c === undefined || c === 'aws') return { region: options.region, requestHandler };
  // Local endpoints check that a request is signed, not by whom; explicit dummy credentials keep the SDK from
  // looking for real ones (env, ~/.aws, instance metadata). DynamoDB Local wants letters and digits only.
  return {
    region: options.region,
    endpoint: c,
    credentials: { accessKeyId: 'vitrinelocal', secretAccessKey: 'vitrinelocal' },
    requestHandler,
  };
}

function tableDefinition(tableName: string): ConstructorParameters<typeof CreateTableCommand>[0] {
  const s = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI3PK', 'GSI3SK'].map(s),
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'GSI1',
        KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' }, { AttributeName: 'GSI1SK', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'GSI2',
        KeySchema: [{ AttributeName: 'GSI2PK', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'GSI3',
        KeySchema: [{ AttributeName: 'GSI3PK', KeyType: 'HASH' }, { AttributeName: 'GSI3SK', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

function isActive(t: TableDescription): boolean {
  return t.TableStatus === 'ACTIVE' && (t.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === undefined || i.IndexStatus === 'ACTIVE');
}

function versionCondition(expectedVersion: number | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
} {
  if (expectedVersion === undefined) return { ConditionExpression: 'attribute_not_exists(PK)' };
  return {
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': expectedVersion },
  };
}

function conflictOr(err: unknown, message: string): unknown {
  return errorName(err) === 'ConditionalCheckFailedException' ? new CatalogConflictError(message) : err;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** Now, but never at or before the previous write of the same item (a writer whose clock lags must not go back). */
function nextTimestamp(previous: string | undefined): string {
  const now = Date.now();
  const prev = previous === undefined ? NaN : Date.parse(previous);
  return new Date(Number.isFinite(prev) && prev >= now ? prev + 1 : now).toISOString();
}

function isIso(value: unknown): value is string {
  return typeof value === 'string' && Number.isFinite(Date.parse(value));
}

function assertKeyPart(what: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new Error(`catalog: ${what} must be a non-empty string of at most 512 characters`);
  }
}

function assertExpectedVersion(v: number | undefined): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) throw new Error(`catalog: expectedVersion must be a positive integer, got ${v}`);
}

function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new Error(`catalog: limit must be an integer from 1 to ${MAX_PAGE}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
