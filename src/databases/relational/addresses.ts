// A customer's saved addresses. Every query is scoped by account id: an address id alone never reads or changes
// anything, so one customer cannot reach another's address even by guessing ids.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Address } from '../../domain/address.ts';
import type { Database } from './database.ts';

/** Enough for home, work and a few gift recipients; a cap keeps one account from filling the table. */
export const MAX_ADDRESSES = 20;

export interface SavedAddress {
  readonly id: string;
  readonly label: string;
  readonly isDefault: boolean;
  readonly address: Address;
}

export class AddressLimitError extends Error {
  readonly code = 'CONFLICT';
}

const view = (r: { id: string; label: string; is_default: boolean; address: unknown }): SavedAddress => ({ id: r.id, label: r.label, isDefault: r.is_default, address: r.address as Address });

export async function listAddresses(db: Kysely<Database>, accountId: string): Promise<SavedAddress[]> {
  const rows = await db.selectFrom('addresses').select(['id', 'label', 'is_default', 'address']).where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  return rows.map(view);
}

/** The first address saved becomes the default; asking for a new default moves the flag in the same transaction. */
export async function addAddress(db: Kysely<Database>, accountId: string, a: { label: string; address: Address; isDefault?: boolean }): Promise<SavedAddress> {
  return db.transaction().execute(async (trx) => {
    // Serialises this account's address writes, so the count check and the default flag cannot race.
    await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
    const { n } = await trx.selectFrom('addresses').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
    if (n >= MAX_ADDRESSES) throw new AddressLimitError(`addresses: at most ${MAX_ADDRESSES} can be saved; delete one first`);
    const isDefault = n === 0 || a.isDefault === true;
    if (isDefault) await trx.updateTable('addresses').set({ is_default: false }).where('account_id', '=', accountId).where('is_default', '=', true).execute();
    const row = await trx
      .insertInto('addresses')
      .values({ id: `adr_${randomUUID()}`, account_id: accountId, label: a.label, address: JSON.stringify(a.address), is_default: isDefault })
      .returning(['id', 'label', 'is_default', 'address'])
      .executeTakeFirstOrThrow();
    return view(row);
  });
}

/** Undefined when the account has no such address. */
export async function updateAddress(db: Kysely<Database>, accountId: string, id: string, p: { label?: string; address?: Address; isDefault?: boolean }): Promise<SavedAddress | undefined> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
    const current = await trx.selectFrom('addresses').select('is_default').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    if (!current) return undefined;
    if (p.isDefault === true && !current.is_default) {
      await trx.updateTable('addresses').set({ is_default: false }).where('account_id', '=', accountId).where('is_default', '=', true).execute();
    }
    const row = await trx
      .updateTable('addresses')
      .set({
        ...(p.label !== undefined ? { label: p.label } : {}),
        ...(p.address !== undefined ? { address: JSON.stringify(p.address) } : {}),
        // The default can be moved to another address, not removed: unsetting it here is ignored.
        ...(p.isDefault === true ? { is_default: true } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .returning(['id', 'label', 'is_default', 'address'])
      .executeTakeFirstOrThrow();
    return view(row);
  });
}

/** False when the account has no such address. Deleting the default makes the oldest remaining one the default. */
export async function deleteAddress(db: Kysely<Database>, accountId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
    const gone = await trx.deleteFrom('addresses').where('id', '=', id).where('account_id', '=', accountId).returning('is_default').executeTakeFirst();
    if (!gone) return false;
    if (gone.is_default) {
      const next = await trx.selectFrom('addresses').select('id').where('account_id', '=', accountId).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
      if (next) await trx.updateTable('addresses').set({ is_default: true }).where('id', '=', next.id).execute();
    }
    return true;
  });
}
