// A worker process for the crash test: it claims a 'crashy' job, says so on stdout, and then hangs until the test
// kills it with SIGKILL, leaving the job 'running' the way a crashed machine would.
// Usage: node --import tsx test/queue/crash-worker.ts '<RelationalConfig as JSON>' <visibilityTimeoutMs>
import { openRelational } from '../../src/databases/relational/index.ts';
import type { RelationalConfig } from '../../src/databases/relational/index.ts';
import { Worker } from '../../src/compute/queue/pg-queue.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as RelationalConfig;
const visibilityTimeoutMs = Number(process.argv[3]);
const relational = await openRelational(config);
const hang = setInterval(() => {}, 60_000); // keeps this process alive: the worker's own timers are unref'd
const worker = new Worker(
  relational,
  {
    crashy: async (job) => {
      process.stdout.write(`claimed ${job.id} ${job.attempt}\n`);
      await new Promise(() => {}); // never settles: the kill arrives first
    },
  },
  { concurrency: 1, pollMs: 20, visibilityTimeoutMs },
);
worker.start();
void hang;
