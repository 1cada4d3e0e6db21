import closeWithGrace from 'close-with-grace';
import type { Config } from '../config/env.ts';
import { startShop } from '../runtime/shop.ts';
import { progress } from './progress.ts';

export async function startCommand(config: Config, opts: { worker: boolean; seed: boolean }): Promise<void> {
  const bar = progress('Generating demo catalog');
  const shop = await startShop(config, {
    worker: opts.worker && config.RUN_WORKER,
    seed: opts.seed && config.SEED_DEMO,
    onSeedProgress: (phase, done, total, item) => {
      if (phase === 'generate') bar.update(done, total, item);
    },
  }).finally(() => bar.stop());
  const shown = shop.url.replace('127.0.0.1', 'localhost');
  process.stderr.write(`\nVitrine is running at ${shown}  (Ctrl+C to stop)\n\n`);
  // SIGINT/SIGTERM: stop accepting, finish in-flight requests and jobs, close the stores cleanly.
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) shop.runtime.logger.error({ err }, 'fatal error, shutting down');
    else shop.runtime.logger.info({ signal }, 'shutting down');
    await shop.close();
  });
}
