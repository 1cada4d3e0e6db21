// Stock per variant. Plain functions over a Kysely handle, so they work on the root handle or inside a caller's
// transaction (a Transaction is a Kysely). Rows record when they last changed (clock time at the write), which lets a
// cache poll for changes.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

export interface StockRow {
  readonly variantId: string;
  readonly productId: string;
  readonly onHand: number;
}

export interface StockChange extends StockRow {
  readonly updatedAt: Date;
}

// Keeps each statement well under Postgres's 65,535 bind parameters.
const CHUNK = 1000;

/** Inserts or replaces the count for each variant. A variant listed twice keeps its last row. */
export async function setStock(db: Kysely<Database>, rows: readonly StockRow[]): Promise<void> {
  const byVariant = new Map<string, StockRow>();
  for (const row of rows) {
    if (!Number.isSafeInteger(row.onHand) || row.onHand < 0) {
      throw new RangeError(`inventory: on hand for ${row.variantId} must be a whole number ≥ 0, got ${row.onHand}`);
    }
    byVariant.set(row.variantId, row); // one statement may not update the same row twice
  }
  const unique = [...byVariant.values()];
  for (let i = 0; i < unique.length; i += CHUNK) {
    await db
      .insertInto('inventory')
      .values(
        unique.slice(i, i + CHUNK).map((r) => ({
          variant_id: r.variantId,
          product_id: r.productId,
          on_hand: r.onHand,
          updated_at: sql<Date>`clock_timestamp()`,
        })),
      )
      .onConflict((oc) =>
        oc.column('variant_id').doUpdateSet((eb) => ({
          product_id: eb.ref('excluded.product_id'),
          on_hand: eb.ref('excluded.on_hand'),
          updated_at: sql<Date>`clock_timestamp()`,
        })),
      )
      .execute();
  }
}

/** On-hand counts for the given variants; a variant with no stock row is absent from the map. */
export async function stockFor(db: Kysely<Database>, variantIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ids = [...new Set(variantIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('inventory')
      .select(['variant_id', 'on_hand'])
      .where('variant_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.variant_id, r.on_hand);
  }
  return out;
}

/**
 * Rows changed after `since` (null = all rows), oldest first, and the `since` to pass next time.
 *
 * A write's timestamp is taken before its transaction commits, so a row can become visible with a time older than
 * rows already read. `nextSince` therefore trails the database clock by `overlapMs`: the next call reads that
 * window again. Rows carry absolute counts, so applying one twice is harmless.
 */
export async function stockChangedSince(
  db: Kysely<Database>,
  since: Date | null,
  opts: { readonly overlapMs?: number } = {},
): Promise<{ rows: StockChange[]; nextSince: Date }> {
  const overlapMs = opts.overlapMs ?? 5000;
  let q = db.selectFrom('inventory').select(['variant_id', 'product_id', 'on_hand', 'updated_at']);
  if (since !== null) q = q.where('updated_at', '>', since);
  const [rows, clock] = await Promise.all([
    q.orderBy('updated_at').orderBy('variant_id').execute(),
    sql<{ now: Date }>`select clock_timestamp() as now`.execute(db),
  ]);
  const dbNow = clock.rows[0]?.now ?? new Date();
  const horizon = dbNow.getTime() - overlapMs;
  const newest = rows.at(-1)?.updated_at.getTime() ?? since?.getTime() ?? horizon;
  const floor = since?.getTime() ?? Number.NEGATIVE_INFINITY;
  return {
    rows: rows.map((r) => ({ variantId: r.variant_id, productId: r.product_id, onHand: r.on_hand, updatedAt: r.updated_at })),
    // Never move backwards, never past the newest row seen, never closer to now than the overlap.
    nextSince: new Date(Math.max(floor, Math.min(newest, horizon))),
  };
}

/**
 * Takes `qty` from a variant's stock if at least that many are on hand, in one conditional UPDATE: concurrent takes
 * can never drive stock below zero. Returns false (and changes nothing) when stock is short or the variant unknown.
 */
export async function takeStock(db: Kysely<Database>, variantId: string, qty: number): Promise<boolean> {
  if (!Number.isSafeInteger(qty) || qty <= 0) throw new RangeError(`inventory: quantity must be a whole number ≥ 1, got ${qty}`);
  const row = await db
    .updateTable('inventory')
    .set((eb) => ({ on_hand: eb('on_hand', '-', qty), updated_at: sql<Date>`clock_timestamp()` }))
    .where('variant_id', '=', variantId)
    .where('on_hand', '>=', qty)
    .returning('on_hand')
    .executeTakeFirst();
  return row !== undefined;
}
