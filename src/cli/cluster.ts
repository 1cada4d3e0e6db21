import type { Config } from '../config/env.ts';
import { isClusterPrimary, runClusterInstance, runClusterPrimary } from '../runtime/cluster.ts';

export async function clusterCommand(config: Config, opts: { instances: string }): Promise<void> {
  const instances = Number(opts.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 64) throw new Error('--instances must be a whole number from 1 to 64');
  if (isClusterPrimary()) await runClusterPrimary(config, instances);
  else await runClusterInstance(config);
}
