// Boots the whole shop (every layer on its embedded default, demo catalog included) in a temp data folder on
// an OS-chosen port, as `npm start` would, for HTTP and browser tests. Close it in `after`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env.ts';
import { startShop, type Shop } from '../../src/runtime/shop.ts';

export interface TestApp {
  readonly baseUrl: string;
  readonly shop: Shop;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startTestApp(opts: { env?: Record<string, string>; dataDir?: string } = {}): Promise<TestApp> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'vitrine-test-')));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    VITRINE_DATA_DIR: dataDir,
    CATALOG_REFRESH_MS: '200',
    RUN_WORKER: 'false',
    ...opts.env,
  });
  const shop = await startShop(config, { webRoot: path.resolve('web/dist') });
  return {
    baseUrl: shop.url,
    shop,
    dataDir,
    close: async () => {
      await shop.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
