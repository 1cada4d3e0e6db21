// Builds a stage: one VitrineStack per region, the primary first (secondaries depend on it: its table creates their
// catalog replicas and its assets bucket receives their uploads), and cdk-nag's AWS Solutions checks on all of it.
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from './stage.ts';
import { VitrineStack } from './vitrine-stack.ts';

export function stackName(stage: StageConfig, region: string): string {
  return `Vitrine-${stage.name}-${region}`;
}

export function buildStage(app: App, stage: StageConfig, account?: string): VitrineStack[] {
  const stacks: VitrineStack[] = [];
  for (const regionConfig of stage.regions) {
    const stack = new VitrineStack(app, stackName(stage, regionConfig.region), {
      stage,
      regionConfig,
      ...(account ? { account } : {}),
    });
    if (stacks[0]) stack.addStackDependency(stacks[0], 'the primary creates the catalog replicas and the assets bucket it replicates to');
    stacks.push(stack);
  }
  return stacks;
}

/** cdk-nag's AWS Solutions rules run at synth; an unacknowledged error fails it. */
export function addChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
