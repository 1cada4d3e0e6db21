// `npx vitrine <command>`: the home of operator commands. Each command is a thin shell over the runtime.
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/env.ts';
import { resolveSecrets } from '../config/secrets.ts';
import { limitHeapGrowth } from '../runtime/heap.ts';
// Each command's module is imported when it runs: `vitrine start` should not load the asset pipeline (Chromium's
// driver, glTF-Transform, sharp) that only `assets:optimize` and the worker's jobs use, nor the demo generator.
import { registerJobCommands } from './jobs.ts';

const program = new Command()
  .name('vitrine')
  .description('Vitrine: 3D commerce on one machine or on AWS. Configuration comes from environment variables (see README).')
  .showHelpAfterError();

program
  .command('start')
  .description('start the shop: API, storefront and (unless --no-worker) the background worker, seeding the demo catalog on first start')
  .addOption(new Option('--no-worker', 'do not run the background worker in this process (run `vitrine worker` separately)'))
  .addOption(new Option('--no-seed', 'do not generate the demo catalog on first start'))
  .action(async (opts: { worker: boolean; seed: boolean }) => {
    await (await import('./start.ts')).startCommand(config(), opts);
  });

program
  .command('worker')
  .description('run the background worker on its own (the API started with --no-worker or RUN_WORKER=false)')
  .action(async () => {
    await (await import('./worker.ts')).workerCommand(config());
  });

program
  .command('advisor')
  .description('inspect the store and list prioritised recommendations (cost, security, performance, fault tolerance)')
  .option('--url <url>', 'a running instance to read /metrics and response headers from (METRICS_TOKEN is sent if set)')
  .option('--json', 'print the findings as JSON', false)
  .action(async (opts: { url?: string; json: boolean }) => {
    process.exitCode = await (await import('./advisor.ts')).advisorCommand(config(), opts);
  });

program
  .command('cluster')
  .description('the production topology on one machine: N API instances behind a load balancer + a job worker, on shared stores')
  .option('--instances <n>', 'API instances', '2')
  .action(async (opts: { instances: string }) => {
    await (await import('./cluster.ts')).clusterCommand(config(), opts);
  });

registerJobCommands(program, config);

program
  .command('admin:create')
  .description('create an admin account; the password is asked twice on a terminal, or read from the first line of stdin when piped')
  .requiredOption('--email <email>', "the admin's email address (their log-in)")
  .option('--name <name>', 'a display name')
  .option('--promote', 'make an existing account an admin instead (its password is kept; none is asked)', false)
  .action(async (opts: { email: string; name?: string; promote: boolean }) => {
    await (await import('./admin.ts')).adminCreateCommand(config(), opts);
  });

program
  .command('assets:optimize')
  .description('run the 3D asset job on a local file: validate, optimise, compare renders, posters, USDZ; writes them and report.json. Exit 0 when publishable')
  .argument('<input>', 'a .glb, a .gltf (its .bin and textures beside it) or a .zip holding a .gltf with its files')
  .argument('<out-dir>', 'where to write the outputs and report.json (created if missing)')
  .action(async (input: string, outDir: string) => {
    process.exitCode = await (await import('./assets.ts')).assetsOptimizeCommand(config(), input, outDir);
  });

program
  .command('seed')
  .description('generate the demo catalog (models, posters, products, stock) into the configured stores')
  .option('--reset', 'overwrite the demo products even if present (products you created are never touched)', false)
  .action(async (opts: { reset: boolean }) => {
    await (await import('./seed.ts')).seedCommand(config(), opts);
  });

function config(): ReturnType<typeof loadConfig> {
  try {
    const loaded = loadConfig();
    limitHeapGrowth(loaded.HEAP_GROWING_PERCENT); // before the command allocates its heap
    return loaded;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vitrine: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

try {
  // Secrets Manager first (when configured): what it holds becomes environment the configuration validates.
  await resolveSecrets(process.env);
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as Error & { code?: string; exitCode?: number };
  process.stderr.write(`vitrine: ${e.code ? `${e.code}: ` : ''}${e.message}\n`);
  if (!e.code) process.stderr.write(`${e.stack ?? ''}\n`);
  // An error may say how the process should end (2: the operator's setting or disk, as for a bad variable).
  process.exit(typeof e.exitCode === 'number' ? e.exitCode : 1);
}
