// The prod stage as cdk.json ships it: two regions, a domain, HTTPS everywhere, cdk-nag clean.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resources, synthWithChecks } from './helpers.ts';

const { stacks, templates, violations } = synthWithChecks('prod');
const [primary, secondary] = stacks;
const [tp, ts] = templates;

describe('stage prod', () => {
  it('synthesises a stack per region, the primary first, with no unacknowledged findings', () => {
    assert.deepEqual(stacks.map((s) => s.stackName), ['Vitrine-prod-us-east-1', 'Vitrine-prod-eu-west-1']);
    assert.deepEqual(secondary!.dependencies.map((s) => s.stackName), ['Vitrine-prod-us-east-1']);
    assert.deepEqual(violations, []);
  });

  it('keeps CloudFront, the web bucket and the site records in the primary only', () => {
    assert.equal(resources(tp!, 'AWS::CloudFront::Distribution').length, 1);
    assert.equal(resources(ts!, 'AWS::CloudFront::Distribution').length, 0);
    assert.ok(primary!.storage.web);
    assert.equal(secondary!.storage.web, undefined);
    const names = (t: typeof tp) => resources(t!, 'AWS::Route53::RecordSet').map(([, r]) => `${r.Type} ${r.Name}`).sort();
    assert.deepEqual(names(tp), ['A origin.shop.example.com.', 'A shop.example.com.', 'AAAA shop.example.com.']);
    assert.deepEqual(names(ts), ['A origin.shop.example.com.']);
  });

  it('routes /api/* to the latency-routed origin name over HTTPS', () => {
    const [[, dist]] = resources(tp!, 'AWS::CloudFront::Distribution') as [[string, { DistributionConfig: { Origins: { DomainName: unknown; CustomOriginConfig?: { OriginProtocolPolicy: string } }[] } }]];
    const api = dist.DistributionConfig.Origins.find((o) => o.CustomOriginConfig)!;
    assert.equal(api.DomainName, 'origin.shop.example.com');
    assert.equal(api.CustomOriginConfig!.OriginProtocolPolicy, 'https-only');
    for (const t of [tp, ts]) {
      t!.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
      t!.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: { Type: 'HTTPS', ResourcePath: '/readyz' } });
    }
  });

  it('makes the catalog one global table, replicated to the secondary, whose API uses its replica', () => {
    const [[, table]] = resources(tp!, 'AWS::DynamoDB::GlobalTable') as [[string, { Replicas: { Region: string }[] }]];
    assert.deepEqual(table.Replicas.map((r) => r.Region).sort(), ['eu-west-1', 'us-east-1']);
    assert.equal(resources(ts!, 'AWS::DynamoDB::GlobalTable').length, 0);
    const policy = JSON.stringify(resources(ts!, 'AWS::IAM::Policy').filter(([id]) => /ApiInstanceRole/.test(id)));
    assert.match(policy, /:dynamodb:eu-west-1:.*:table\/vitrine-prod-catalog/);
  });

  it('replicates the secondary\'s uploads into the bucket CloudFront serves', () => {
    const replicated = resources(ts!, 'AWS::S3::Bucket').filter(([, p]) => p.ReplicationConfiguration);
    assert.equal(replicated.length, 1);
    assert.match(JSON.stringify(replicated[0]![1].ReplicationConfiguration), /vitrine-prod-assets-.*-us-east-1/);
  });

  it('runs production sizes: Multi-AZ database with deletion protection, 2+ instances, one NAT per AZ', () => {
    for (const t of [tp, ts]) {
      t!.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true, DeletionProtection: true, StorageEncrypted: true, BackupRetentionPeriod: 14 });
      t!.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2' });
      t!.resourceCountIs('AWS::EC2::NatGateway', 3);
    }
  });
});
