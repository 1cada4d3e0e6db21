// The design's Route 53: global routing with health checks. Two kinds of records, in a hosted zone given by id and
// name (no lookups):
// - the origin name (e.g. origin.shop.example.com): one latency record per region, an alias A record to that
//   region's ALB, tied to a health check on /readyz. CloudFront asks for the origin name, so every /api/* request
//   goes to the nearest healthy region; a region whose stores are down drops out within ~90 s.
// - the site name (e.g. shop.example.com): A and AAAA aliases to the CloudFront distribution (primary region only).
import { Duration } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

export interface DnsProps {
  readonly hostedZoneId: string;
  readonly zoneName: string;
  /** This region's API: its latency record and health check. */
  readonly origin: {
    readonly name: string;
    readonly region: string;
    readonly loadBalancer: elbv2.IApplicationLoadBalancer;
    readonly protocol: 'https' | 'http';
    /** The path Route 53 checks: the app's readiness (every store answers). */
    readonly healthPath: string;
  };
  /** The shopper-facing name, aliased to CloudFront (the primary region passes it). */
  readonly site?: { readonly name: string; readonly distribution: cloudfront.IDistribution };
}

export class Dns extends Construct {
  public readonly zone: route53.IHostedZone;
  public readonly healthCheck: route53.HealthCheck;
  public readonly originRecord: route53.ARecord;
  public readonly siteRecords: route53.RecordSet[] = [];

  constructor(scope: Construct, id: string, props: DnsProps) {
    super(scope, id);
    this.zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.zoneName,
    });

    const o = props.origin;
    this.healthCheck = new route53.HealthCheck(this, 'Readiness', {
      type: o.protocol === 'https' ? route53.HealthCheckType.HTTPS : route53.HealthCheckType.HTTP,
      // This region's ALB itself, not the shared name (which would answer from the nearest region). Route 53's
      // checkers do not validate certificates, so the ALB's name need not match the certificate.
      fqdn: o.loadBalancer.loadBalancerDnsName,
      port: o.protocol === 'https' ? 443 : 80,
      resourcePath: o.healthPath,
      enableSNI: o.protocol === 'https',
      requestInterval: Duration.seconds(30),
      failureThreshold: 3,
    });

    this.originRecord = new route53.ARecord(this, 'Origin', {
      zone: this.zone,
      recordName: o.name,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(o.loadBalancer, { evaluateTargetHealth: true })),
      region: o.region,
      setIdentifier: `api-${o.region}`,
      healthCheck: this.healthCheck,
    });

    if (props.site) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(props.site.distribution));
      this.siteRecords.push(
        new route53.ARecord(this, 'SiteA', { zone: this.zone, recordName: props.site.name, target }),
        new route53.AaaaRecord(this, 'SiteAAAA', { zone: this.zone, recordName: props.site.name, target }),
      );
    }
  }
}
