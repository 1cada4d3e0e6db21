import type { Command } from 'commander';
import type { Config } from '../config/env.ts';
import { listDeadLetters, purgeDeadLetters, replayDeadLetters } from '../compute/queue/dead-letters.ts';
import { createLogger } from '../monitoring/logger.ts';
import { openRuntime, type Runtime } from '../runtime/index.ts';

async function withRuntime<T>(config: Config, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(config, createLogger('warn', 'vitrine-cli'));
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** `vitrine jobs …`: the queue's depth and its dead letters (list, replay, purge). */
export function registerJobCommands(program: Command, config: () => Config): void {
  const jobs = program.command('jobs').description('background jobs: depth and dead letters');

  jobs
    .command('status')
    .description('queued, running and dead jobs, and the age of the oldest waiting one')
    .action(() =>
      withRuntime(config(), async (rt) => {
        const d = await rt.queue.depth();
        process.stdout.write(`queued ${d.queued}  running ${d.running}  dead ${d.dead}  oldest waiting ${d.oldestQueuedAgeMs === null ? '-' : `${(d.oldestQueuedAgeMs / 1000).toFixed(1)} s`}\n`);
      }),
    );

  jobs
    .command('dead')
    .description('list dead letters, newest first, with their last error')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'as JSON', false)
    .action((opts: { limit: string; json: boolean }) =>
      withRuntime(config(), async (rt) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit must be a whole number from 1 to 10000');
        const dead = await listDeadLetters(rt.relational.db, limit);
        if (opts.json) process.stdout.write(`${JSON.stringify(dead, null, 2)}\n`);
        else if (dead.length === 0) process.stdout.write('No dead letters.\n');
        else for (const d of dead) process.stdout.write(`${d.id}  ${d.type}  attempts ${d.attempts}  ${d.failedAt.toISOString()}\n  ${(d.lastError ?? '').split('\n')[0]}\n`);
      }),
    );

  jobs
    .command('replay')
    .description('put dead letters back in the queue with a fresh attempt budget')
    .argument('[id]', 'one job id (omit with --all)')
    .option('--all', 'every dead letter', false)
    .action((id: string | undefined, opts: { all: boolean }) =>
      withRuntime(config(), async (rt) => {
        if (!id && !opts.all) throw new Error('name a job id, or pass --all');
        const n = await replayDeadLetters(rt.relational.db, id);
        process.stdout.write(`Replayed ${n} job(s).\n`);
        if (id && n === 0) process.exitCode = 1;
      }),
    );

  jobs
    .command('purge')
    .description('delete dead letters for good')
    .argument('[id]', 'one job id (omit with --all)')
    .option('--all', 'every dead letter', false)
    .action((id: string | undefined, opts: { all: boolean }) =>
      withRuntime(config(), async (rt) => {
        if (!id && !opts.all) throw new Error('name a job id, or pass --all');
        process.stdout.write(`Purged ${await purgeDeadLetters(rt.relational.db, id)} job(s).\n`);
      }),
    );
}
