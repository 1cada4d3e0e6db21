import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Dns } from '../lib/dns/index.ts';
import { resources, template, testStack, testVpc } from './helpers.ts';

describe('dns', () => {
  const stack = testStack('eu-west-1');
  const vpc = testVpc(stack);
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const distribution = new cloudfront.Distribution(stack, 'Cdn', { defaultBehavior: { origin: new origins.HttpOrigin('origin.shop.example.com') } });
  new Dns(stack, 'Dns', {
    hostedZoneId: 'Z0TEST',
    zoneName: 'example.com',
    origin: { name: 'origin.shop.example.com', region: 'eu-west-1', loadBalancer, protocol: 'https', healthPath: '/readyz' },
    site: { name: 'shop.example.com', distribution },
  });
  const t = template(stack);
  const records = resources(t, 'AWS::Route53::RecordSet');

  it('routes the origin name to this region\'s ALB by latency, tied to a /readyz health check', () => {
    const [[healthId]] = resources(t, 'AWS::Route53::HealthCheck') as [[string, unknown]];
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'HTTPS', ResourcePath: '/readyz', Port: 443, EnableSNI: true, RequestInterval: 30, FailureThreshold: 3 },
    });
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'origin.shop.example.com.',
      Type: 'A',
      Region: 'eu-west-1',
      SetIdentifier: 'api-eu-west-1',
      HealthCheckId: { Ref: healthId },
      HostedZoneId: 'Z0TEST',
    });
    const origin = records.find(([, r]) => r.Name === 'origin.shop.example.com.')![1] as { AliasTarget: { EvaluateTargetHealth: boolean } };
    assert.equal(origin.AliasTarget.EvaluateTargetHealth, true);
  });

  it('aliases the site name to CloudFront over IPv4 and IPv6', () => {
    const site = records.filter(([, r]) => r.Name === 'shop.example.com.').map(([, r]) => r.Type).sort();
    assert.deepEqual(site, ['A', 'AAAA']);
    for (const [, r] of records.filter(([, r]) => r.Name === 'shop.example.com.')) assert.match(JSON.stringify(r.AliasTarget), /Cdn/);
  });
});
