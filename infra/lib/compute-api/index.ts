// Layer 3, Compute (the design's EC2 + ELB + Auto Scaling): the stateless Fastify API on an Auto Scaling group of
// Amazon Linux 2023 instances behind an Application Load Balancer.
// - Launch template: IMDSv2 only (hop limit 1: containers could not reach it), encrypted gp3 root volume, no public
//   address, detailed monitoring, boot script in ./user-data.ts.
// - ALB: HTTPS with the stage's ACM certificate and a TLS 1.2+ policy, HTTP redirected to HTTPS; a dev stage without
//   a certificate listens on HTTP only (acknowledged below). Invalid headers dropped, access logs to the log bucket.
// - Health: the target group checks /healthz (liveness; dependencies are /readyz's job, so a database blip does not
//   cycle every instance); the ASG replaces instances the ALB finds unhealthy. Deploys roll one instance at a time
//   and wait for each new one to report ready.
// - Scaling: target tracking on CPU and on requests per target.
// - Instance role: only what the boot script needs is granted here (read the release and the database secret,
//   write its log group); the stack grants the app's data access.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { bootCommands } from './user-data.ts';

export const API_PORT = 3000;
export const LIVENESS_PATH = '/healthz';
export const READINESS_PATH = '/readyz';

export interface ApiProps {
  readonly vpc: ec2.IVpc;
  readonly instanceType: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly artifacts: s3.IBucket;
  readonly artifactKey: string;
  readonly database: { readonly secret: secretsmanager.ISecret; readonly host: string; readonly port: string; readonly name: string };
  /** The app's configuration (names from src/config/env.ts CONFIG_KEYS), written to the instances' env file. */
  readonly environment: Record<string, string>;
  /** ACM certificate ARN in this region; without one the ALB serves plain HTTP (dev stages only). */
  readonly certificateArn?: string;
  readonly accessLogs: s3.IBucket;
  /** Refuse to delete the load balancer by accident. */
  readonly protect: boolean;
  readonly cpuTargetPercent?: number;
  readonly requestsPerTargetPerMinute?: number;
}

export class Api extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** What the instances' environment file holds (before DATABASE_URL is added at boot). */
  public readonly environment: Readonly<Record<string, string>>;
  /** How CloudFront and health checks reach the ALB. */
  public readonly protocol: 'https' | 'http';

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.protocol = props.certificateArn ? 'https' : 'http';
    this.environment = { ...props.environment };

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

    this.role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Vitrine API instances',
    });
    props.artifacts.grantRead(this.role, props.artifactKey);
    props.database.secret.grantRead(this.role);
    this.logGroup.grantWrite(this.role);

    const albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: props.vpc,
      description: 'Vitrine API load balancer',
      allowAllOutbound: false,
    });
    const instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'Vitrine API instances: traffic from the load balancer only',
      allowAllOutbound: true, // AWS APIs through NAT and the gateway endpoints, the database
    });

    const instanceType = new ec2.InstanceType(props.instanceType);
    const userData = ec2.UserData.forLinux();
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ec2.MachineImage.latestAmazonLinux2023({
        cpuType: instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
      }),
      instanceType,
      role: this.role,
      securityGroup: instanceSecurityGroup,
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
        },
      ],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Instances', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      defaultInstanceWarmup: Duration.minutes(2),
      // Each new instance must report ready (see the end of the boot script) before the next one is replaced.
      // An empty group (a stage's first deploy, before any release exists) has nothing to wait for.
      ...(props.minCapacity > 0 ? { signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.minutes(15) }) } : {}),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: props.minCapacity,
        pauseTime: Duration.minutes(15),
        waitOnResourceSignals: props.minCapacity > 0,
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
    });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason:
        'Auto Scaling notifications cannot publish to a KMS-encrypted topic without a key grant to its service-linked role, ' +
        'which may not exist yet in a fresh account. The monitoring construct routes failed launches and terminations to ' +
        'the alarm topic through EventBridge instead.',
    });

    const endpoint = props.database;
    userData.addSignalOnExitCommand(this.autoScalingGroup);
    userData.addCommands(
      ...bootCommands({
        region,
        artifactsBucket: props.artifacts.bucketName,
        artifactKey: props.artifactKey,
        databaseSecretArn: endpoint.secret.secretArn,
        databaseHost: endpoint.host,
        databasePort: endpoint.port,
        databaseName: endpoint.name,
        logGroupName: this.logGroup.logGroupName,
        environment: this.environment,
        port: API_PORT,
      }),
    );

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      internetFacing: true,
      securityGroup: albSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.protect,
      http2Enabled: true,
      idleTimeout: Duration.seconds(60),
    });
    this.loadBalancer.logAccessLogs(props.accessLogs, 'alb');

    // CloudFront's edge addresses and Route 53's health checkers both reach the ALB from the internet.
    const port = this.protocol === 'https' ? 443 : 80;
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `${this.protocol.toUpperCase()} from CloudFront and Route 53 health checks`);
    Validations.of(albSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'An internet-facing load balancer: CloudFront edge locations and Route 53 health checkers connect from the internet. ' +
        'The instances behind it accept traffic from this security group only.',
    });

    if (props.certificateArn) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: false,
      });
    } else {
      // Dev stages have no domain, so no certificate could match the ALB's name: CloudFront talks to it over HTTP
      // (acknowledged as AwsSolutions-CFR5 in the delivery construct); shoppers still reach CloudFront over HTTPS.
      this.listener = this.loadBalancer.addListener('Http', { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false });
    }

    this.targetGroup = this.listener.addTargets('Api', {
      port: API_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.autoScalingGroup],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: LIVENESS_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    this.autoScalingGroup.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.cpuTargetPercent ?? 60 });
    this.autoScalingGroup.scaleOnRequestCount('Requests', { targetRequestsPerMinute: props.requestsPerTargetPerMinute ?? 3000 });
  }
}
