import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { Storage } from '../lib/storage/index.ts';
import { flatten, resources, template, testStack } from './helpers.ts';

describe('storage', () => {
  const primaryStack = testStack();
  const primary = new Storage(primaryStack, 'Storage', { prefix: 'vitrine-test', withWebBucket: true, retain: true, uploadOrigins: ['https://shop.example.com'] });
  const t = template(primaryStack);
  const buckets = resources(t, 'AWS::S3::Bucket');

  it('has the logs, assets, artifacts and web buckets', () => {
    assert.equal(buckets.length, 4);
    assert.ok(primary.web && primary.assets && primary.artifacts && primary.logs);
  });

  it('keeps every bucket private, encrypted, versioned and with old versions expiring', () => {
    for (const [id, p] of buckets) {
      assert.deepEqual(
        p.PublicAccessBlockConfiguration,
        { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        id,
      );
      assert.match(JSON.stringify(p.BucketEncryption), /"SSEAlgorithm":"AES256"/, id);
      assert.deepEqual(p.VersioningConfiguration, { Status: 'Enabled' }, id);
      assert.match(JSON.stringify(p.LifecycleConfiguration), /NoncurrentVersionExpiration/, id);
    }
  });

  it('logs every bucket but the log bucket into the log bucket', () => {
    const logsId = primaryStack.getLogicalId(primary.logs.node.defaultChild as never);
    for (const [id, p] of buckets) {
      if (id === logsId) continue;
      assert.deepEqual((p.LoggingConfiguration as { DestinationBucketName: unknown }).DestinationBucketName, { Ref: logsId }, id);
    }
  });

  it('refuses plain HTTP and TLS below 1.2 on every bucket', () => {
    const policies = resources(t, 'AWS::S3::BucketPolicy');
    assert.equal(policies.length, 4);
    for (const [id, p] of policies) {
      const doc = JSON.stringify(p.PolicyDocument);
      assert.match(doc, /"aws:SecureTransport":"false"/, id);
      assert.match(doc, /"s3:TlsVersion":1.2/, id);
    }
  });

  it('lets the shop origin upload assets with presigned URLs (CORS)', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'vitrine-test-assets-123456789012-us-east-1',
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://shop.example.com'], AllowedMethods: Match.arrayWith(['PUT']) })] },
    });
  });

  it('replicates a secondary region\'s uploads to the primary\'s assets bucket, without a web bucket', () => {
    const stack = testStack('eu-west-1');
    new Storage(stack, 'Storage', {
      prefix: 'vitrine-test',
      withWebBucket: false,
      replicateAssetsTo: 'vitrine-test-assets-123456789012-us-east-1',
      retain: false,
      uploadOrigins: ['*'],
    });
    const st = template(stack);
    assert.equal(resources(st, 'AWS::S3::Bucket').length, 3);
    const [[, assets]] = resources(st, 'AWS::S3::Bucket').filter(([, p]) => p.ReplicationConfiguration) as [[string, Record<string, unknown>]];
    assert.match(flatten((assets.ReplicationConfiguration as { Rules: { Destination: { Bucket: unknown } }[] }).Rules[0]!.Destination.Bucket), /vitrine-test-assets-123456789012-us-east-1/);
  });
});
