import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmTopic, APP_METRICS, Monitoring } from '../lib/monitoring/index.ts';
import { resources, template, testStack, testVpc } from './helpers.ts';

describe('monitoring', () => {
  const stack = testStack();
  const vpc = testVpc(stack);
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc,
    instanceType: new ec2.InstanceType('t4g.small'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
  });
  const targetGroup = loadBalancer.addListener('L', { port: 80, open: false }).addTargets('T', { port: 3000, protocol: elbv2.ApplicationProtocol.HTTP, targets: [autoScalingGroup] });
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
  const deadLetterQueue = new sqs.Queue(stack, 'Dlq');
  const queue = new sqs.Queue(stack, 'Queue', { deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 } });
  const instance = new rds.DatabaseInstance(stack, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_13 }), vpc, storageEncrypted: true });
  const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING } });
  const alerts = new AlarmTopic(stack, 'Alerts', { emails: ['ops@example.com'] });
  const monitoring = new Monitoring(stack, 'Monitoring', {
    stage: 'test',
    topic: alerts.topic,
    api: { loadBalancer, targetGroup, autoScalingGroup },
    jobs: [{ name: 'Jobs', function: fn, queue, deadLetterQueue }],
    database: { instance, allocatedStorageGb: 100 },
    table,
  });
  const t = template(stack);
  const alarms = resources(t, 'AWS::CloudWatch::Alarm').map(([, p]) => p);
  const alarmOn = (namespace: string, metricName: string) =>
    alarms.filter((a) => (a.Namespace === namespace && a.MetricName === metricName) || JSON.stringify(a.Metrics ?? []).includes(`"MetricName":"${metricName}"`));

  it('alarms on each named metric', () => {
    const expected: [string, string][] = [
      ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count'],
      ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count'],
      ['AWS/ApplicationELB', 'TargetResponseTime'],
      ['AWS/ApplicationELB', 'HealthyHostCount'],
      ['AWS/Lambda', 'Errors'],
      ['AWS/Lambda', 'Throttles'],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
      ['AWS/SQS', 'ApproximateAgeOfOldestMessage'],
      ['AWS/RDS', 'CPUUtilization'],
      ['AWS/RDS', 'FreeStorageSpace'],
      ['AWS/DynamoDB', 'ThrottledRequests'],
      ['Vitrine', 'catalog_readmodel_age_seconds'],
    ];
    for (const [ns, name] of expected) assert.equal(alarmOn(ns, name).length, 1, `${ns} ${name}`);
    assert.equal(alarms.length, expected.length);
  });

  it('watches the dead-letter queue for any message and the p99 response time', () => {
    const [dlq] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    assert.equal(dlq!.Threshold, 0);
    assert.equal(dlq!.ComparisonOperator, 'GreaterThanThreshold');
    assert.match(JSON.stringify(dlq!.Dimensions), new RegExp(stack.getLogicalId(deadLetterQueue.node.defaultChild as never)));
    const [p99] = alarmOn('AWS/ApplicationELB', 'TargetResponseTime');
    assert.equal(p99!.ExtendedStatistic, 'p99');
    const [free] = alarmOn('AWS/RDS', 'FreeStorageSpace');
    assert.equal(free!.Threshold, 100 * 1024 ** 3 * 0.1);
  });

  it('notifies an encrypted, TLS-only topic on alarm and on recovery', () => {
    for (const a of alarms) {
      assert.equal((a.AlarmActions as unknown[]).length, 1);
      assert.equal((a.OKActions as unknown[]).length, 1);
    }
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(alerts.key.node.defaultChild as never), 'Arn'] } });
    assert.match(JSON.stringify(resources(t, 'AWS::SNS::TopicPolicy')), /"aws:SecureTransport":"false"/);
    assert.match(JSON.stringify(resources(t, 'AWS::KMS::Key')), /cloudwatch\.amazonaws\.com/);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('has a dashboard with the AWS metrics and the app\'s own (namespace Vitrine)', () => {
    const [[, dash]] = resources(t, 'AWS::CloudWatch::Dashboard') as [[string, { DashboardBody: unknown }]];
    const body = JSON.stringify(dash.DashboardBody);
    for (const name of Object.keys(APP_METRICS.metrics)) assert.ok(body.includes(name), name);
    assert.ok(body.includes('\\"Vitrine\\"'));
    for (const name of ['HTTPCode_Target_5XX_Count', 'CPUUtilization', 'ApproximateNumberOfMessagesVisible']) assert.ok(body.includes(name), name);
    assert.ok(monitoring.dashboard);
  });

  it('sends failed instance launches to the topic', () => {
    t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.autoscaling'] } });
  });
});
