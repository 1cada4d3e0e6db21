import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Network } from '../lib/network/index.ts';
import { resources, template, testBucket, testStack } from './helpers.ts';

describe('network', () => {
  const stack = testStack();
  const network = new Network(stack, 'Network', {
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 1,
    flowLogsBucket: testBucket(stack, 'Logs'),
  });
  const t = template(stack);

  it('has public, private (egress) and isolated subnets in each of the given AZs', () => {
    assert.equal(network.vpc.publicSubnets.length, 2);
    assert.equal(network.vpc.privateSubnets.length, 2);
    assert.equal(network.vpc.isolatedSubnets.length, 2);
    const azs = new Set(resources(t, 'AWS::EC2::Subnet').map(([, p]) => p.AvailabilityZone));
    assert.deepEqual([...azs].sort(), ['us-east-1a', 'us-east-1b']);
  });

  it('routes S3 and DynamoDB through gateway endpoints (no NAT charges)', () => {
    const endpoints = resources(t, 'AWS::EC2::VPCEndpoint');
    assert.equal(endpoints.length, 2);
    for (const [, p] of endpoints) assert.equal(p.VpcEndpointType, 'Gateway');
    assert.match(JSON.stringify(endpoints), /\.s3/);
    assert.match(JSON.stringify(endpoints), /\.dynamodb/);
  });

  it('logs all traffic to S3 and has as many NAT gateways as asked', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', TrafficType: 'ALL' });
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
  });
});
