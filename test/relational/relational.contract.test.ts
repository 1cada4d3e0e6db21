// The relational port's contract, run on PGlite (a temp folder) and on the real Postgres (a fresh database).
import { migrations } from '../../src/databases/relational/migrations/index.ts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openRelational, migrateToLatest } from '../../src/databases/relational/index.ts';
import type { Relational, RelationalConfig } from '../../src/databases/relational/index.ts';
import { setStock, stockChangedSince, stockFor, takeStock } from '../../src/databases/relational/inventory.ts';
import { openPglite } from '../../src/databases/relational/pglite.ts';
import { relationalTargets } from './targets.ts';

// Every migration the app ships, in order: the static map is the source of truth.
const ALL_MIGRATIONS = Object.keys(migrations);

for (const target of await relationalTargets()) {
  describe(`relational contract: ${target.name}`, { skip: target.skip }, () => {
    let config: RelationalConfig;
    let rel: Relational;
    let appliedOnFirstOpen: readonly string[] = [];

    before(async () => {
      config = await target.fresh();
      rel = await openRelational(config, { onMigrated: (names) => (appliedOnFirstOpen = names) });
    });
    after(async () => {
      await rel?.close();
      await target.cleanup();
    });
    beforeEach(async () => {
      await rel.db.deleteFrom('inventory').execute();
    });

    async function reopen(): Promise<readonly string[]> {
      await rel.close();
      let applied: readonly string[] = ['(not told)'];
      rel = await openRelational(config, { onMigrated: (names) => (applied = names) });
      return applied;
    }

    test('a fresh database gets every migration, and the tables answer', async () => {
      assert.equal(rel.kind, target.name);
      assert.deepEqual(appliedOnFirstOpen, ALL_MIGRATIONS);
      await rel.check();
      assert.deepEqual(await rel.db.selectFrom('inventory').selectAll().execute(), []);
      assert.deepEqual(await rel.db.selectFrom('jobs').selectAll().execute(), []);
    });

    test('re-opening applies nothing new', async () => {
      assert.deepEqual(await reopen(), []);
      assert.deepEqual(await migrateToLatest(rel.db), []);
      const recorded = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(rel.db);
      assert.deepEqual(recorded.rows.map((r) => r.name), ALL_MIGRATIONS);
    });

    test('stock is set, read, replaced and taken', async () => {
      await setStock(rel.db, [
        { variantId: 'chair-oak', productId: 'chair', onHand: 5 },
        { variantId: 'chair-walnut', productId: 'chair', onHand: 0 },
      ]);
      assert.deepEqual(await stockFor(rel.db, ['chair-oak', 'chair-walnut', 'no-such']), new Map([['chair-oak', 5], ['chair-walnut', 0]]));
      await setStock(rel.db, [{ variantId: 'chair-walnut', productId: 'chair', onHand: 2 }]);
      assert.equal(await takeStock(rel.db, 'chair-oak', 3), true);
      assert.equal(await takeStock(rel.db, 'chair-oak', 3), false, 'only 2 left');
      assert.equal(await takeStock(rel.db, 'no-such', 1), false);
      assert.deepEqual(await stockFor(rel.db, ['chair-oak', 'chair-walnut']), new Map([['chair-oak', 2], ['chair-walnut', 2]]));
      await assert.rejects(takeStock(rel.db, 'chair-oak', 0), /inventory: quantity/);
      await assert.rejects(setStock(rel.db, [{ variantId: 'x', productId: 'p', onHand: -1 }]), /inventory: on hand/);
      // The database itself refuses negative stock too, whoever writes it.
      await assert.rejects(rel.db.updateTable('inventory').set({ on_hand: -1 }).where('variant_id', '=', 'chair-oak').execute());
    });

    test('takeStock never oversells: 50 concurrent takes of 1 against 10 in stock', async () => {
      await setStock(rel.db, [{ variantId: 'lamp', productId: 'lamp', onHand: 10 }]);
      const results = await Promise.all(Array.from({ length: 50 }, () => takeStock(rel.db, 'lamp', 1)));
      assert.equal(results.filter(Boolean).length, 10);
      assert.equal((await stockFor(rel.db, ['lamp'])).get('lamp'), 0);
    });

    test('stockChangedSince finds each change once its cursor is passed back', async () => {
      await setStock(rel.db, [
        { variantId: 'a', productId: 'p', onHand: 1 },
        { variantId: 'b', productId: 'p', onHand: 2 },
      ]);
      const first = await stockChangedSince(rel.db, null);
      assert.deepEqual(first.rows.map((r) => [r.variantId, r.onHand]).sort(), [['a', 1], ['b', 2]]);
      await takeStock(rel.db, 'b', 2);
      const second = await stockChangedSince(rel.db, first.nextSince);
      // The overlap window may repeat rows; the latest count of every changed variant must be there.
      const latest = new Map(second.rows.map((r) => [r.variantId, r.onHand]));
      assert.equal(latest.get('b'), 0);
      assert.ok(second.nextSince >= first.nextSince, 'the cursor never moves backwards');
      // With no overlap, a cursor past every change returns nothing.
      const quiet = await stockChangedSince(rel.db, second.rows.at(-1)!.updatedAt, { overlapMs: 0 });
      assert.ok(quiet.rows.every((r) => r.variantId === 'b'), 'nothing newer than the last change but itself (µs rounding)');
    });

    test('values read the same on both adapters: int8 as number, numeric as string, date as text', async () => {
      const { rows } = await sql<{ n: number; d: string; x: string; t: Date; j: unknown }>`
        select count(*) as n, 12.50::numeric as x, '2025-03-01'::date as d, now() as t, '{"a":[1]}'::jsonb as j
          from generate_series(1, 3)`.execute(rel.db);
      assert.deepEqual(rows[0] && { ...rows[0], t: rows[0].t instanceof Date }, { n: 3, x: '12.50', d: '2025-03-01', t: true, j: { a: [1] } });
      await assert.rejects(sql`select 9007199254740993::int8 as big`.execute(rel.db), /outside the safe integer range/);
      await rel.check(); // the connection is still usable
    });

    test('data survives close and reopen', async () => {
      await setStock(rel.db, [{ variantId: 'sofa-grey', productId: 'sofa', onHand: 7 }]);
      await takeStock(rel.db, 'sofa-grey', 2);
      await reopen();
      assert.deepEqual(await stockFor(rel.db, ['sofa-grey']), new Map([['sofa-grey', 5]]));
    });

    if (target.name === 'postgres') {
      test('processes starting at once on one new database migrate it exactly once', async () => {
        const shared = await target.fresh();
        const told: string[][] = [];
        const opened = await Promise.all(
          Array.from({ length: 4 }, () => openRelational(shared, { onMigrated: (n) => told.push([...n]) })),
        );
        try {
          assert.deepEqual(told.flat(), ALL_MIGRATIONS, 'each migration applied by exactly one opener');
          const recorded = await sql<{ name: string }>`select name from kysely_migration`.execute(opened[0]!.db);
          assert.deepEqual(recorded.rows.map((r) => r.name), ALL_MIGRATIONS);
          await setStock(opened[1]!.db, [{ variantId: 'v', productId: 'p', onHand: 1 }]);
          assert.equal(await takeStock(opened[2]!.db, 'v', 1), true);
          assert.equal(await takeStock(opened[3]!.db, 'v', 1), false);
        } finally {
          await Promise.all(opened.map((r) => r.close()));
        }
      });
    }

    if (target.name === 'pglite') {
      test('a folder opens once: a second opener in this process is refused, the folder stays intact', async () => {
        const shared = await target.fresh();
        const results = await Promise.allSettled([openRelational(shared), openRelational(shared)]);
        const ok = results.filter((r): r is PromiseFulfilledResult<Relational> => r.status === 'fulfilled');
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        try {
          assert.equal(ok.length, 1);
          assert.equal(refused.length, 1);
          assert.match(String(refused[0]!.reason), /relational: the PGlite folder .* is already open in this process/);
          await setStock(ok[0]!.value.db, [{ variantId: 'v', productId: 'p', onHand: 1 }]);
        } finally {
          await Promise.all(ok.map((r) => r.value.close()));
        }
      });

      test('a folder held by another live process is refused; a dead one\'s lock is taken over', async () => {
        await setStock(rel.db, [{ variantId: 'desk', productId: 'desk', onHand: 4 }]);
        await rel.close();
        const lockPath = `${path.join(config.dataDir, 'postgres')}.lock`;
        assert.equal(fs.existsSync(lockPath), false, 'close releases the lock');

        fs.writeFileSync(lockPath, String(process.ppid)); // our parent: alive, and not us
        await assert.rejects(openRelational(config), new RegExp(`in use by process ${process.ppid}`));

        const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
        fs.writeFileSync(lockPath, String(deadPid)); // as a crashed process leaves it
        rel = await openRelational(config);
        assert.deepEqual(await stockFor(rel.db, ['desk']), new Map([['desk', 4]]));
        assert.equal(fs.readFileSync(lockPath, 'utf8'), String(process.pid));
      });

      test('concurrent migration runs on one PGlite apply each migration once', async () => {
        const mem = await openPglite(); // in memory, not yet migrated
        try {
          const runs = await Promise.all([migrateToLatest(mem.db), migrateToLatest(mem.db), migrateToLatest(mem.db)]);
          assert.deepEqual(runs.flat(), ALL_MIGRATIONS);
        } finally {
          await mem.close();
        }
      });
    }
  });
}
