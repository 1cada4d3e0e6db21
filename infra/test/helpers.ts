// Shared test fixtures: stacks built with Lambda bundling skipped (esbuild is exercised by lambda-entry.test.ts and
// by `npm run synth`), and the stages exactly as cdk.json ships them.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { JOBS_BUNDLING } from '../lib/compute-jobs/index.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addChecks, buildStage } from '../lib/app.ts';
import { parseStage, type StageConfig } from '../lib/stage.ts';

export const INFRA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ACCOUNT = '123456789012';

/**
 * An app that skips asset bundling (no esbuild run per synth). Construct tests also skip aws-cdk-lib's built-in
 * CloudFormation validation (about 5 s a synth); the stage tests keep it, as `cdk synth` does.
 */
export function testApp(opts: { validate?: boolean } = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: opts.validate ?? false });
}

/** A stack with an explicit account, region and AZs, for one construct under test. */
export function testStack(region = 'us-east-1'): Stack {
  const stack = new (class extends Stack {
    override get availabilityZones(): string[] {
      return [`${region}a`, `${region}b`];
    }
  })(testApp(), 'Test', { env: { account: ACCOUNT, region } });
  return stack;
}

export function testVpc(stack: Stack): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: stack.availabilityZones,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  Validations.of(vpc).acknowledge({ id: 'CloudFormation-Validate::W3010', reason: 'Test VPC: AZs written out, as the stages do.' });
  return vpc;
}

export function testBucket(stack: Stack, id: string): s3.Bucket {
  return new s3.Bucket(stack, id, { enforceSSL: true });
}

/** A stage from cdk.json, as `-c stage=<name>` would pick it. */
export function shippedStage(name: string): StageConfig {
  const cdkJson = JSON.parse(readFileSync(path.join(INFRA_DIR, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return parseStage(cdkJson.context['vitrine:stages'], name);
}

export function template(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Every resource of a type: [logicalId, properties]. */
export function resources(t: Template, type: string): [string, Record<string, unknown>][] {
  return Object.entries(t.findResources(type)).map(([id, r]) => [id, (r as { Properties?: Record<string, unknown> }).Properties ?? {}]);
}

/** Flattens Fn::Join / Ref / GetAtt into a readable string, e.g. the user data script. */
export function flatten(x: unknown): string {
  if (typeof x === 'string') return x;
  if (Array.isArray(x)) return x.map(flatten).join('');
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    if ('Fn::Base64' in o) return flatten(o['Fn::Base64']);
    if ('Ref' in o) return `\${${String(o.Ref)}}`;
    if ('Fn::GetAtt' in o) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  return JSON.stringify(x);
}

/** Synthesises with the checks on; cdk-nag's errors make synth throw, everything else lands in the report. */
export function synthWithChecks(stageName: string) {
  const app = testApp({ validate: true });
  const stacks = buildStage(app, shippedStage(stageName));
  addChecks(app);
  const assembly = app.synth();
  const reportPath = path.join(assembly.directory, 'validation-report.json');
  let violations: string[] = [];
  try {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; description: string; violatingConstructs: { constructPath: string }[] }[] }[];
    };
    violations = report.pluginReports.flatMap((p) =>
      p.violations.map((v) => `${p.pluginName} ${v.ruleName} ${v.description} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`),
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const templates = stacks.map((s) => Template.fromJSON(assembly.getStackByName(s.stackName).template as Record<string, unknown>));
  return { stacks, templates, violations };
}

/** Bundles a job function's entry with esbuild as synth does (JOBS_BUNDLING), `external` left as imports. */
export async function bundleEntry(entry: string, outfile: string, external: readonly string[] = []): Promise<void> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: JOBS_BUNDLING.target,
    format: 'esm',
    mainFields: [...JOBS_BUNDLING.mainFields],
    banner: { js: JOBS_BUNDLING.banner },
    keepNames: JOBS_BUNDLING.keepNames,
    minify: JOBS_BUNDLING.minify,
    external: [...external],
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(`bundling ${entry} failed: ${JSON.stringify(result.errors)}`);
}
