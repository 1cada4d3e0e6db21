import type { Config } from '../config/env.ts';
import { seedDemoCatalog, type SeedResult } from '../demo/seed.ts';
import { createLogger } from '../monitoring/logger.ts';
import { openRuntime, type Runtime } from '../runtime/index.ts';
import { progress } from './progress.ts';

export async function seedCommand(config: Config, opts: { reset: boolean }): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL, 'vitrine-cli');
  const rt = await openRuntime(config, logger);
  try {
    const result = await seedWithProgress(rt, opts.reset);
    process.stdout.write(result.seeded ? `Seeded ${result.products} demo products in ${(result.ms / 1000).toFixed(1)} s\n` : `Nothing to do: ${result.reason} (use --reset to regenerate)\n`);
  } finally {
    await rt.close();
  }
}

export async function seedWithProgress(rt: Runtime, reset: boolean): Promise<SeedResult> {
  const gen = progress('Generating demo models');
  const store = progress('Storing demo catalog');
  try {
    return await seedDemoCatalog(
      { repo: rt.catalog.repo, objects: rt.objects, db: rt.relational.db },
      {
        currency: rt.config.CURRENCY,
        reset,
        onProgress: (phase, done, total, item) => (phase === 'generate' ? gen : store).update(done, total, item),
      },
    );
  } finally {
    gen.stop();
    store.stop();
  }
}
