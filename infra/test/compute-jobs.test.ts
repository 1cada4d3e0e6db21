import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { Jobs } from '../lib/compute-jobs/index.ts';
import { resources, template, testStack, testVpc } from './helpers.ts';

describe('compute-jobs', () => {
  const stack = testStack();
  const jobs = new Jobs(stack, 'Jobs', {
    vpc: testVpc(stack),
    environment: { NODE_ENV: 'production', OBJECT_STORE: 's3' },
    reservedConcurrency: 5,
  });
  const t = template(stack);

  it('runs the job handlers on Node.js 22 in the private subnets with a reserved concurrency', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 5,
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
      Environment: { Variables: { NODE_ENV: 'production', OBJECT_STORE: 's3' } },
    });
    const [[, fn]] = resources(t, 'AWS::Lambda::Function') as [[string, { VpcConfig: { SubnetIds: { Ref: string }[] } }]];
    for (const s of fn.VpcConfig.SubnetIds) assert.match(s.Ref, /private/i);
  });

  it('reads the queue with ReportBatchItemFailures, within the reserved concurrency', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [stack.getLogicalId(jobs.queue.node.defaultChild as never), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('dead-letters a message after 5 receives; both queues encrypted and TLS-only', () => {
    const dlq = stack.getLogicalId(jobs.deadLetterQueue.node.defaultChild as never);
    t.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720,
    });
    for (const [, q] of resources(t, 'AWS::SQS::Queue')) assert.equal(q.SqsManagedSseEnabled, true);
    const policies = resources(t, 'AWS::SQS::QueuePolicy');
    assert.equal(policies.length, 2);
    for (const [, p] of policies) assert.match(JSON.stringify(p.PolicyDocument), /"aws:SecureTransport":"false"/);
  });

  it('lets the function consume the queue through grants only', () => {
    const doc = JSON.stringify(resources(t, 'AWS::IAM::Policy').map(([, p]) => p.PolicyDocument));
    assert.match(doc, /sqs:ReceiveMessage/);
    assert.match(doc, /sqs:DeleteMessage/);
  });
});
