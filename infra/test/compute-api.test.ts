import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Api } from '../lib/compute-api/index.ts';
import { flatten, resources, template, testBucket, testStack, testVpc } from './helpers.ts';

function build(opts: { certificateArn?: string; minCapacity?: number } = {}) {
  const stack = testStack();
  const api = new Api(stack, 'Api', {
    vpc: testVpc(stack),
    instanceType: 't4g.small',
    minCapacity: opts.minCapacity ?? 2,
    maxCapacity: 6,
    artifacts: testBucket(stack, 'Artifacts'),
    artifactKey: 'releases/vitrine-1.0.0.tgz',
    database: { secret: new secretsmanager.Secret(stack, 'DbSecret'), host: 'db.internal', port: '5432', name: 'vitrine' },
    environment: { NODE_ENV: 'production', PORT: '3000', HOST: '0.0.0.0', S3_BUCKET: 'assets-bucket' },
    ...(opts.certificateArn ? { certificateArn: opts.certificateArn } : {}),
    accessLogs: testBucket(stack, 'Logs'),
    protect: false,
  });
  return { stack, api, t: template(stack) };
}

describe('compute-api', () => {
  const { api, t } = build({ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/alb' });
  const [[, lt]] = resources(t, 'AWS::EC2::LaunchTemplate') as [[string, { LaunchTemplateData: Record<string, unknown> }]];
  const data = lt.LaunchTemplateData;
  const userData = flatten(data.UserData);

  it('launches Amazon Linux 2023 with IMDSv2 only, an encrypted root volume and no public address', () => {
    assert.match(JSON.stringify(data.ImageId), /al2023/);
    assert.deepEqual(data.MetadataOptions, { HttpPutResponseHopLimit: 1, HttpTokens: 'required' });
    assert.deepEqual((data.BlockDeviceMappings as { Ebs: unknown }[])[0]!.Ebs, { DeleteOnTermination: true, Encrypted: true, VolumeSize: 20, VolumeType: 'gp3' });
    assert.match(JSON.stringify(data.NetworkInterfaces), /"AssociatePublicIpAddress":false/);
  });

  it('boots Node 22, downloads the release from the artifacts bucket and runs the API under systemd', () => {
    assert.match(userData, /dnf install -y -q nodejs22 /);
    assert.match(userData, /aws s3 cp .*"s3:\/\/\$\{Artifacts[0-9A-F]+\}\/releases\/vitrine-1\.0\.0\.tgz"/);
    assert.match(userData, /ExecStart=\/usr\/bin\/node-22 dist\/server\/main\.js start/);
    assert.match(userData, /systemctl enable --now vitrine\.service/);
    for (const line of ['NODE_ENV=production', 'PORT=3000', 'HOST=0.0.0.0', 'S3_BUCKET=assets-bucket']) assert.ok(userData.includes(`\n${line}\n`), line);
    assert.match(userData, /DATABASE_URL=postgres:\/\/.*sslmode=verify-full/);
    assert.match(userData, /cfn-signal/);
    assert.match(userData, /127\.0\.0\.1:3000\/readyz/);
  });

  it('puts the group behind the ALB with /healthz as the target health check and ELB health for the group', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      Protocol: 'HTTP',
      HealthCheckPath: '/healthz',
      Matcher: { HttpCode: '200' },
    });
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '6',
      HealthCheckType: 'ELB',
      TargetGroupARNs: Match.anyValue(),
      VPCZoneIdentifier: Match.anyValue(),
    });
    assert.equal(api.protocol, 'https');
  });

  it('listens on HTTPS with the certificate and a TLS 1.2+ policy, with access logs and invalid headers dropped', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/alb' }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    const [[, lb]] = resources(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer') as [[string, { LoadBalancerAttributes: { Key: string; Value: string }[] }]];
    const attrs = Object.fromEntries(lb.LoadBalancerAttributes.map((a) => [a.Key, a.Value]));
    assert.equal(attrs['access_logs.s3.enabled'], 'true');
    assert.equal(attrs['routing.http.drop_invalid_header_fields.enabled'], 'true');
  });

  it('scales on CPU and on requests per target', () => {
    const metrics = resources(t, 'AWS::AutoScaling::ScalingPolicy').map(
      ([, p]) => (p.TargetTrackingConfiguration as { PredefinedMetricSpecification: { PredefinedMetricType: string } }).PredefinedMetricSpecification.PredefinedMetricType,
    );
    assert.deepEqual(metrics.sort(), ['ALBRequestCountPerTarget', 'ASGAverageCPUUtilization']);
  });

  it('waits for each new instance to report ready, rolling one at a time', () => {
    const [[, asg]] = Object.entries(t.findResources('AWS::AutoScaling::AutoScalingGroup')) as [[string, { CreationPolicy?: unknown; UpdatePolicy?: unknown }]];
    assert.match(JSON.stringify(asg.CreationPolicy), /"Count":2/);
    assert.match(JSON.stringify(asg.UpdatePolicy), /"WaitOnResourceSignals":true/);
  });

  it('gives the instance role no managed policy, only what the boot script needs', () => {
    const [[, role]] = resources(t, 'AWS::IAM::Role') as [[string, Record<string, unknown>]];
    assert.equal(role.ManagedPolicyArns, undefined);
    const statements = resources(t, 'AWS::IAM::Policy').flatMap(([, p]) => (p.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement);
    const actions = statements.flatMap((s) => [s.Action].flat());
    assert.ok(actions.includes('secretsmanager:GetSecretValue'));
    assert.ok(actions.includes('logs:PutLogEvents'));
    assert.ok(actions.some((a) => a.startsWith('s3:GetObject')));
    assert.ok(!actions.some((a) => a.startsWith('s3:Put') || a.startsWith('dynamodb:')), 'data access is granted by the stack');
    assert.match(JSON.stringify(statements), /releases\/vitrine-1\.0\.0\.tgz/);
  });

  it('listens on plain HTTP without a certificate (dev), and starts empty on the first deploy of a stage', () => {
    const dev = build({ minCapacity: 0 });
    dev.t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    assert.equal(dev.api.protocol, 'http');
    const [[, asg]] = Object.entries(dev.t.findResources('AWS::AutoScaling::AutoScalingGroup')) as [[string, { CreationPolicy?: unknown; Properties: { MinSize: string } }]];
    assert.equal(asg.CreationPolicy, undefined);
    assert.equal(asg.Properties.MinSize, '0');
  });
});
