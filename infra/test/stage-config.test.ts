import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addChecks } from '../lib/app.ts';
import { applyDeployOptions, checkStage, StageConfigError, type StageConfig } from '../lib/stage.ts';
import { buildStage } from '../lib/app.ts';
import { resources, shippedStage, template, testApp } from './helpers.ts';

describe('stage config', () => {
  const dev = shippedStage('dev');
  const prod = shippedStage('prod');
  const bad = (patch: Partial<StageConfig>, message: RegExp) =>
    assert.throws(() => checkStage({ ...dev, ...patch }), (err: unknown) => err instanceof StageConfigError && message.test(err.message));

  it('ships a valid dev and prod stage', () => {
    assert.equal(dev.regions.length, 1);
    assert.equal(prod.regions.length, 2);
    assert.ok(prod.domain);
  });

  it('names the field that is wrong', () => {
    bad({ regions: [{ region: 'us-east-1', availabilityZones: ['us-east-1a'] }] }, /regions\[0\]\.availabilityZones needs 2 or more/);
    bad({ regions: [{ region: 'us-east-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'] }] }, /not in us-east-1/);
    bad({ regions: [...dev.regions, { region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'] }] }, /domain is required with more than one region/);
    bad({ domain: prod.domain! }, /certificateArn is required with a domain/);
    bad({ database: { ...dev.database, backupRetentionDays: 3 } }, /backupRetentionDays must be 7 or more/);
    bad({ name: 'Prod!' }, /name must be/);
    bad({ jobs: { ...dev.jobs, assetConcurrency: 1 } }, /jobs\.assetConcurrency must be 2 or more/);
    bad({ tracing: { otlpEndpoint: 'collector:4318' } }, /tracing\.otlpEndpoint must be an http\(s\) URL/);
  });

  it('hands a stage\'s trace collector to the API and both job functions', () => {
    const app = testApp();
    const [stack] = buildStage(app, { ...dev, tracing: { otlpEndpoint: 'http://otel.internal:4318' } });
    const t = template(stack!);
    const fns = resources(t, 'AWS::Lambda::Function').filter(([id]) => /^(Asset)?JobsFunction/.test(id));
    assert.equal(fns.length, 2);
    for (const [, fn] of fns) assert.equal((fn.Environment as { Variables: Record<string, unknown> }).Variables.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel.internal:4318');
    assert.equal(stack!.api.environment.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel.internal:4318');
    // And without one, nothing: the app then loads no tracing code.
    assert.equal(buildStage(testApp(), dev)[0]!.api.environment.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  });

  it('takes a release key and a first deploy from the command line', () => {
    assert.equal(applyDeployOptions(dev, { release: 'releases/vitrine-1.2.3.tgz' }).api.artifactKey, 'releases/vitrine-1.2.3.tgz');
    assert.equal(applyDeployOptions(dev, { firstDeploy: true }).api.minCapacity, 0);
    assert.throws(() => applyDeployOptions(dev, { release: 'releases/../x.zip' }), StageConfigError);
  });

  it('fails synth on a cdk-nag finding nobody acknowledged', () => {
    const app = testApp();
    new s3.Bucket(new Stack(app, 'Unsafe'), 'Bucket');
    addChecks(app);
    let message = '';
    const quiet = console.error;
    console.error = () => {}; // the report this test provokes on purpose
    try {
      assert.throws(() => app.synth(), (err: Error) => ((message = err.message), /Validation failed/.test(message)));
    } finally {
      console.error = quiet;
    }
    const report = readFileSync(/found in: (\S+validation-report\.json)/.exec(message)![1]!, 'utf8');
    assert.match(report, /AwsSolutions-S1/);
  });
});
