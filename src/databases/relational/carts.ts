// Carts in Postgres: a guest's cart is found by the id in its cookie, a customer's by account. Lines hold only
// variant and quantity; prices are always recomputed from the catalog.
import type { Kysely, Transaction } from 'kysely';
import { addLine, mergeLines, setLine, type CartLine } from '../../domain/cart.ts';
import type { Database } from './database.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function cartLines(db: Db, cartId: string): Promise<CartLine[]> {
  const rows = await db
    .selectFrom('cart_lines')
    .select(['variant_id', 'product_id', 'quantity'])
    .where('cart_id', '=', cartId)
    .orderBy('added_at')
    .orderBy('variant_id')
    .execute();
  return rows.map((r) => ({ variantId: r.variant_id, productId: r.product_id, quantity: r.quantity }));
}

export async function cartExists(db: Db, cartId: string): Promise<boolean> {
  return (await db.selectFrom('carts').select('id').where('id', '=', cartId).executeTakeFirst()) !== undefined;
}

/**
 * Whether this caller may use the cart: a guest cart is anyone's who holds its (secret, random) id; a customer's
 * cart only that customer's, so a copied cookie does not open another account's cart.
 */
export async function cartUsableBy(db: Db, cartId: string, accountId: string | null): Promise<boolean> {
  const row = await db.selectFrom('carts').select('account_id').where('id', '=', cartId).executeTakeFirst();
  return row !== undefined && (row.account_id === null || row.account_id === accountId);
}

export async function createCart(db: Db, cartId: string, accountId: string | null = null): Promise<void> {
  await db.insertInto('carts').values({ id: cartId, account_id: accountId }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/**
 * Applies a domain change to a cart's lines under a row lock, so two tabs adding at once both count, and writes
 * the difference. Returns the new lines.
 */
export async function updateCart(db: Kysely<Database>, cartId: string, change: (lines: CartLine[]) => CartLine[]): Promise<CartLine[]> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('carts').select('id').where('id', '=', cartId).forUpdate().executeTakeFirstOrThrow();
    const before = await cartLines(trx, cartId);
    const after = change(before);
    const keep = new Set(after.map((l) => l.variantId));
    const gone = before.filter((l) => !keep.has(l.variantId)).map((l) => l.variantId);
    if (gone.length > 0) await trx.deleteFrom('cart_lines').where('cart_id', '=', cartId).where('variant_id', 'in', gone).execute();
    for (const l of after) {
      const old = before.find((b) => b.variantId === l.variantId);
      if (old && old.quantity === l.quantity) continue;
      await trx
        .insertInto('cart_lines')
        .values({ cart_id: cartId, variant_id: l.variantId, product_id: l.productId, quantity: l.quantity })
        .onConflict((oc) => oc.columns(['cart_id', 'variant_id']).doUpdateSet({ quantity: l.quantity }))
        .execute();
    }
    await trx.updateTable('carts').set({ updated_at: new Date() }).where('id', '=', cartId).execute();
    return after;
  });
}

export const addToCart = (db: Kysely<Database>, cartId: string, line: CartLine) => updateCart(db, cartId, (lines) => addLine(lines, line));
export const setCartLine = (db: Kysely<Database>, cartId: string, variantId: string, quantity: number) =>
  updateCart(db, cartId, (lines) => setLine(lines, variantId, quantity));

/** Moves a guest cart's lines into the account's cart (created if needed) and deletes the guest cart. */
export async function mergeGuestCart(db: Kysely<Database>, guestCartId: string, accountCartId: string, accountId: string): Promise<CartLine[]> {
  await createCart(db, accountCartId, accountId);
  const guest = await cartLines(db, guestCartId);
  const merged = await updateCart(db, accountCartId, (lines) => mergeLines(lines, guest));
  await db.deleteFrom('carts').where('id', '=', guestCartId).where('account_id', 'is', null).execute();
  return merged;
}

export async function clearCart(db: Db, cartId: string): Promise<void> {
  await db.deleteFrom('cart_lines').where('cart_id', '=', cartId).execute();
}

/**
 * The cart a customer uses after logging in: their own, with the guest cart's lines merged in, or else the guest
 * cart adopted as theirs, or else a new one. A cart follows the customer from device to device.
 */
export async function cartAtLogin(db: Kysely<Database>, accountId: string, guestCartId: string | undefined, newId: () => string): Promise<string> {
  const own = await db.selectFrom('carts').select('id').where('account_id', '=', accountId).executeTakeFirst();
  if (own) {
    if (guestCartId && guestCartId !== own.id && (await cartExists(db, guestCartId))) await mergeGuestCart(db, guestCartId, own.id, accountId);
    return own.id;
  }
  if (guestCartId) {
    const adopted = await db.updateTable('carts').set({ account_id: accountId }).where('id', '=', guestCartId).where('account_id', 'is', null).executeTakeFirst();
    if (Number(adopted.numUpdatedRows) === 1) return guestCartId;
  }
  const id = newId();
  await createCart(db, id, accountId);
  return id;
}
