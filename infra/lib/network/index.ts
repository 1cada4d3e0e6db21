// The network every regional resource lives in: public subnets (the ALB, NAT gateways), private subnets with
// egress (API instances, job functions) and isolated subnets (the database), spread over the stage's AZs, which
// are written out rather than looked up. Gateway endpoints keep S3 and DynamoDB traffic (assets, catalog, the
// release download) off the NAT gateways, which bill per GB; flow logs go to the log bucket.
import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface NetworkProps {
  readonly availabilityZones: string[];
  /** 1 is cheapest; one per AZ keeps egress up through an AZ outage. */
  readonly natGateways: number;
  readonly flowLogsBucket: s3.IBucket;
  readonly cidr?: string;
}

export class Network extends Construct {
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.20.0.0/16'),
      availabilityZones: props.availabilityZones,
      natGateways: Math.min(props.natGateways, props.availabilityZones.length),
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toS3(props.flowLogsBucket, 'vpc-flow-logs/'),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      // The default security group is unused: every resource gets its own group with explicit rules.
      restrictDefaultSecurityGroup: false,
    });
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'The AZs are written out per stage (cdk.json) so that synth needs no credentials for an AZ lookup.',
    });
  }
}
