// Dead letters as an operator handles them: a poison job lands there with its error, is listed, replayed once the
// cause is fixed (and then succeeds), or purged; `vitrine jobs` does the same from the shell.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listDeadLetters, purgeDeadLetters, replayDeadLetters } from '../../src/compute/queue/dead-letters.ts';
import { PgQueue, Worker } from '../../src/compute/queue/pg-queue.ts';
import { openInMemoryRelational, openRelational } from '../../src/databases/relational/index.ts';
import { until } from '../helpers/wait.ts';

describe('dead letters', () => {
  it('keeps a poison job with its error, replays it after the fix, and purges on request', async () => {
    const relational = await openInMemoryRelational();
    try {
      const queue = new PgQueue(relational);
      let fixed = false;
      let runs = 0;
      const handlers = {
        'mail.send': async () => {
          runs++;
          if (!fixed) throw new Error('SMTP 550: mailbox unavailable');
        },
      };
      const { id } = await queue.enqueue('mail.send', { to: 'x@example.com' }, { maxAttempts: 2 });
      await queue.enqueue('mail.send', { to: 'y@example.com' }, { maxAttempts: 1 });
      const worker = new Worker(relational, handlers, { pollMs: 20, backoff: () => 10, onError: () => {} });
      worker.start();
      await until(async () => (await queue.depth()).dead === 2, 'both jobs dead');
      const dead = await listDeadLetters(relational.db);
      assert.equal(dead.length, 2);
      assert.match(dead.find((d) => d.id === id)!.lastError ?? '', /SMTP 550/);

      fixed = true;
      assert.equal(await replayDeadLetters(relational.db, id), 1);
      await until(async () => {
        const d = await queue.depth();
        return d.dead === 1 && d.queued === 0 && d.running === 0;
      }, 'the replayed job to finish');
      assert.equal(runs, 4, '2 failed attempts + 1 for the other job + 1 successful replay');
      await worker.stop();

      assert.equal(await purgeDeadLetters(relational.db), 1);
      assert.equal((await queue.depth()).dead, 0);
      assert.equal(await replayDeadLetters(relational.db, id), 0, 'a done job is not dead');
    } finally {
      await relational.close();
    }
  });

  it('`vitrine jobs dead|replay|purge` from the shell', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-jobs-'));
    try {
      const relational = await openRelational({ dataDir, DATABASE_URL: undefined, DATABASE_POOL_MAX: 1 });
      const { id } = await new PgQueue(relational).enqueue('no.such.job', { n: 1 });
      await relational.db.updateTable('jobs').set({ status: 'dead', last_error: 'queue: no handler for no.such.job' }).where('id', '=', id).execute();
      await relational.close();
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/vitrine.js', 'jobs', ...args], { encoding: 'utf8', env: { ...process.env, VITRINE_DATA_DIR: dataDir, SEED_DEMO: 'false' } });
      const listed = run('dead');
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`${id}  no\\.such\\.job`));
      assert.match(listed.stdout, /no handler for no\.such\.job/);
      const none = run('replay');
      assert.notEqual(none.status, 0);
      assert.match(none.stderr, /name a job id, or pass --all/);
      assert.match(run('purge', '--all').stdout, /Purged 1 job/);
      assert.match(run('dead').stdout, /No dead letters/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
