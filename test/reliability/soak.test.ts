// Issue #9 in CI: a short soak (soak.ts) — steady reads and checkouts on the Postgres profile with zero errors and
// nothing lost. Memory growth is printed, not asserted: a minute is too short to tell a leak from warm-up; the
// 10-minute `npm run reliability:soak` asserts it. Needs the real Postgres (skipped with the reason when
// unreachable, except in CI).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relationalTargets } from '../relational/targets.ts';
import { runSoak } from './soak.ts';

const postgres = (await relationalTargets()).find((t) => t.name === 'postgres')!;

describe('soak: steady reads and checkouts', { skip: postgres.skip }, () => {
  it('answers every request, records every paid order and mails each once', { timeout: 15 * 60_000 }, async () => {
    const report = await runSoak({ seconds: Number(process.env.SOAK_SECONDS ?? 45), readsPerSecond: 50, checkoutsPerSecond: 1, log: (l) => console.log(`# ${l}`) });
    console.log(`# soak report: ${JSON.stringify({ ...report, rss: { ...report.rss, samples: undefined } })}`);
    assert.deepEqual(report.problems, []);
    assert.ok(report.paidOrders > 0 && report.reads > 0, 'the load ran');
  });
});
