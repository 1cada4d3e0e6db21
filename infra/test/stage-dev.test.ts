// The dev stage exactly as cdk.json ships it, synthesised with cdk-nag's AWS Solutions checks, and the contract
// between the stack and the app's configuration (src/config/env.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_KEYS, loadConfig } from '../../src/config/env.ts';
import { BOOT_ADDED_KEYS } from '../lib/compute-api/user-data.ts';
import { flatten, resources, synthWithChecks } from './helpers.ts';

const { stacks, templates, violations } = synthWithChecks('dev');

describe('stage dev', () => {
  const [stack] = stacks;
  const [t] = templates;

  it('synthesises one stack with no unacknowledged cdk-nag or template findings', () => {
    assert.equal(stacks.length, 1);
    assert.deepEqual(violations, []);
  });

  it('holds every layer of the design', () => {
    for (const type of [
      'AWS::S3::Bucket', 'AWS::CloudFront::Distribution', 'AWS::EC2::VPC', 'AWS::AutoScaling::AutoScalingGroup',
      'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::RDS::DBInstance',
      'AWS::DynamoDB::GlobalTable', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic',
    ]) assert.ok(resources(t!, type).length > 0, type);
    // No domain in dev: no DNS records, CloudFront reaches the ALB over HTTP.
    assert.equal(resources(t!, 'AWS::Route53::RecordSet').length, 0);
    assert.equal(stack!.api.protocol, 'http');
  });

  it('lets only the API instances and the job functions reach the database', () => {
    const dbGroups = resources(t!, 'AWS::RDS::DBInstance').flatMap(([, p]) => (p.VPCSecurityGroups as { 'Fn::GetAtt': string[] }[]).map((g) => g['Fn::GetAtt'][0]));
    const ingress = resources(t!, 'AWS::EC2::SecurityGroupIngress')
      .map(([, p]) => p)
      .filter((p) => dbGroups.includes((p.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!));
    const sources = ingress.map((p) => (p.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).sort();
    assert.equal(sources.length, 2);
    assert.ok(sources.some((s) => /ApiInstanceSecurityGroup/.test(s!)));
    assert.ok(sources.some((s) => /^JobsSecurityGroup/.test(s!)));
    // The asset function needs only the catalog and the objects: it is not let in.
    assert.ok(!sources.some((s) => /^AssetJobs/.test(s!)));
    const [[dbId]] = resources(t!, 'AWS::RDS::DBInstance') as [[string, unknown]];
    for (const p of ingress) assert.deepEqual(p.FromPort, { 'Fn::GetAtt': [dbId, 'Endpoint.Port'] });
  });

  it('grants the app its data through grants only (no managed policy but Lambda\'s own)', () => {
    const roles = resources(t!, 'AWS::IAM::Role');
    for (const [id, role] of roles) {
      const managed = JSON.stringify(role.ManagedPolicyArns ?? []);
      if (/Jobs/.test(id)) assert.match(managed, /AWSLambdaVPCAccessExecutionRole/);
      else assert.equal(role.ManagedPolicyArns, undefined, id);
    }
    const apiPolicy = JSON.stringify(resources(t!, 'AWS::IAM::Policy').filter(([id]) => /ApiInstanceRole/.test(id)));
    for (const action of ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DescribeTable', 's3:PutObject', 'secretsmanager:GetSecretValue']) {
      assert.ok(apiPolicy.includes(action), action);
    }
  });
});

describe('config contract (stack → src/config/env.ts)', () => {
  const t = templates[0]!;
  const userData = flatten((resources(t, 'AWS::EC2::LaunchTemplate')[0]![1].LaunchTemplateData as { UserData: unknown }).UserData);
  const envBlock = userData.split("<<'VITRINE_ENV'\n")[1]!.split('\nVITRINE_ENV')[0]!;
  const instanceEnv = Object.fromEntries(envBlock.split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const fnEnv = (id: RegExp) => (resources(t, 'AWS::Lambda::Function').find(([fid]) => id.test(fid))![1].Environment as { Variables: Record<string, unknown> }).Variables;
  const lambdaEnv = fnEnv(/^JobsFunction/);
  const assetEnv = fnEnv(/^AssetJobsFunction/);
  const known = new Set(CONFIG_KEYS);

  it('passes the API instances only variables the app reads', () => {
    const keys = [...Object.keys(instanceEnv), ...BOOT_ADDED_KEYS];
    assert.deepEqual(keys.filter((k) => !known.has(k)), []);
    assert.deepEqual(Object.keys(instanceEnv), Object.keys(stacks[0]!.api.environment));
    assert.match(userData, /process\.stdout\.write\(`DATABASE_URL=/);
  });

  it('passes the job function only variables the app (or Node itself) reads, and not the reserved AWS_REGION', () => {
    assert.deepEqual(Object.keys(lambdaEnv).filter((k) => !known.has(k) && k !== 'NODE_EXTRA_CA_CERTS'), []);
    assert.equal(lambdaEnv.AWS_REGION, undefined);
    // It reaches the database through the secret (resolved at cold start), and its own queue for follow-up jobs.
    for (const k of ['DATABASE_SECRET_ARN', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'SQS_QUEUE_URL', 'SQS_DLQ_URL']) assert.ok(lambdaEnv[k], k);
    assert.equal(lambdaEnv.QUEUE, 'sqs');
    assert.equal(lambdaEnv.NODE_EXTRA_CA_CERTS, '/var/runtime/ca-cert.pem');
  });

  it('sends the API\'s jobs to SQS, asset jobs to their own queue; the asset function gets no database and no queue', () => {
    assert.equal(instanceEnv.QUEUE, 'sqs');
    for (const k of ['SQS_QUEUE_URL', 'SQS_DLQ_URL', 'SQS_ASSETS_QUEUE_URL', 'SQS_ASSETS_DLQ_URL']) assert.ok(instanceEnv[k], k);
    assert.notEqual(instanceEnv.SQS_QUEUE_URL, instanceEnv.SQS_ASSETS_QUEUE_URL);
    assert.deepEqual(Object.keys(assetEnv).filter((k) => !known.has(k)), []);
    for (const k of Object.keys(assetEnv)) assert.doesNotMatch(k, /^(DATABASE_|SQS_|QUEUE$)/, k);
    assert.equal(assetEnv.JOB_MAX_RECEIVES, '5');
    const policyOf = (role: RegExp) => JSON.stringify(resources(t, 'AWS::IAM::Policy').filter(([id]) => role.test(id)));
    const api = policyOf(/ApiInstanceRole/);
    assert.equal(api.match(/sqs:SendMessage/g)?.length, 2, 'the API may send to both queues');
    assert.doesNotMatch(policyOf(/^AssetJobs/), /secretsmanager|sqs:SendMessage/);
    // Sized for renders: x86_64 (the Chromium built for Lambda), 3 GB, Lambda's 15 minutes, room in /tmp.
    const [[, fn]] = resources(t, 'AWS::Lambda::Function').filter(([id]) => /^AssetJobsFunction/.test(id)) as [[string, Record<string, unknown>]];
    assert.deepEqual(fn.Architectures, ['x86_64']);
    assert.equal(fn.MemorySize, 3008);
    assert.equal(fn.Timeout, 900);
    assert.deepEqual(fn.EphemeralStorage, { Size: 2048 });
    assert.equal(fn.ReservedConcurrentExecutions, 2);
    const assetQueue = resources(t, 'AWS::SQS::Queue').find(([id]) => /^AssetJobsQueue/.test(id))![1];
    assert.equal(assetQueue.VisibilityTimeout, 5400, '6 × the function timeout');
  });

  it('gives values the app accepts (loadConfig), with S3 and DynamoDB on AWS', () => {
    const placeholder = (v: unknown) => (typeof v === 'string' && !v.includes('${') ? v : 'vitrine-resolved-at-deploy');
    const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/111111111111/${name}`;
    const queues: Record<string, string> = {
      SQS_QUEUE_URL: queueUrl('vitrine-jobs'), SQS_DLQ_URL: queueUrl('vitrine-jobs-dlq'),
      SQS_ASSETS_QUEUE_URL: queueUrl('vitrine-assets'), SQS_ASSETS_DLQ_URL: queueUrl('vitrine-assets-dlq'),
    };
    const api = loadConfig({
      ...Object.fromEntries(Object.entries(instanceEnv).map(([k, v]) => [k, queues[k] ?? placeholder(v)])),
      DATABASE_URL: 'postgres://vitrine:secret@db.example.internal:5432/vitrine?sslmode=verify-full&sslrootcert=/opt/vitrine/rds-ca.pem',
    });
    assert.equal(api.HOST, '0.0.0.0');
    assert.equal(api.OBJECT_STORE, 's3');
    assert.equal(api.DYNAMODB_ENDPOINT, 'aws');
    assert.equal(api.DYNAMODB_TABLE, 'vitrine-dev-catalog');
    assert.equal(api.QUEUE, 'sqs');
    // What CloudFormation resolves at deploy time, as the app would then see it.
    const deployed: Record<string, string> = {
      DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:vitrine-db-AbCdEf',
      DATABASE_PORT: '5432',
      SQS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/vitrine-jobs',
      SQS_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/vitrine-jobs-dlq',
    };
    const jobs = loadConfig({ ...Object.fromEntries(Object.entries(lambdaEnv).map(([k, v]) => [k, deployed[k] ?? placeholder(v)])), AWS_REGION: 'us-east-1' });
    assert.equal(jobs.OBJECT_STORE, 's3');
    assert.equal(jobs.RUN_WORKER, false);
    const assets = loadConfig({ ...Object.fromEntries(Object.entries(assetEnv).map(([k, v]) => [k, placeholder(v)])), AWS_REGION: 'us-east-1' });
    assert.equal(assets.QUEUE, 'embedded', 'it enqueues nothing');
  });
});
