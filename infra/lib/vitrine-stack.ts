// One region of a Vitrine stage. The stack only wires the constructs of lib/<concern>/ together, passing one's
// outputs to the next, and grants the app's data access; each construct owns its own settings.
//
// The primary region (the stage's first) also holds the web bucket, the CloudFront distribution and the site's
// DNS names; every region has its own network, database, API, jobs, alarms and a latency record for the API.
import { CfnOutput, Duration, Size, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { apiEnvironment, jobsDatabaseEnvironment, jobsEnvironment, jobsQueueEnvironment, type AppEnvironmentInputs } from './app-config.ts';
import { Api, API_PORT, READINESS_PATH } from './compute-api/index.ts';
import { ASSETS_ENTRY, assetsBundling, Jobs } from './compute-jobs/index.ts';
import { Data, DATABASE_NAME } from './data/index.ts';
import { Delivery } from './delivery/index.ts';
import { Dns } from './dns/index.ts';
import { AlarmTopic, Monitoring } from './monitoring/index.ts';
import { BUCKET_READ_WRITE_ACTIONS, wildcardAction, wildcardResource } from './nag.ts';
import { Network } from './network/index.ts';
import type { RegionConfig, StageConfig } from './stage.ts';
import { Storage, assetsBucketName } from './storage/index.ts';

export interface VitrineStackProps extends StackProps {
  readonly stage: StageConfig;
  /** This stack's region, one of stage.regions. */
  readonly regionConfig: RegionConfig;
  /** The AWS account; unset = resolved at deploy time (synth needs no credentials either way). */
  readonly account?: string;
}

export class VitrineStack extends Stack {
  public readonly primary: boolean;
  public readonly storage: Storage;
  public readonly network: Network;
  public readonly data: Data;
  public readonly jobs: Jobs;
  public readonly assetJobs: Jobs;
  public readonly api: Api;
  public readonly alerts: AlarmTopic;
  public readonly monitoring: Monitoring;
  public readonly delivery?: Delivery;
  public readonly dns?: Dns;
  private readonly azs: string[];

  constructor(scope: Construct, id: string, props: VitrineStackProps) {
    const { stage, regionConfig: rc } = props;
    super(scope, id, {
      ...props,
      env: { region: rc.region, ...(props.account ? { account: props.account } : {}) },
      description: `Vitrine ${stage.name} in ${rc.region}: storage, delivery, compute, databases, monitoring`,
      tags: { app: 'vitrine', stage: stage.name, ...props.tags },
    });
    this.azs = rc.availabilityZones;
    const primaryRegion = stage.regions[0]!.region;
    this.primary = rc.region === primaryRegion;
    const prefix = `vitrine-${stage.name}`;
    const domain = stage.domain;

    this.storage = new Storage(this, 'Storage', {
      prefix,
      withWebBucket: this.primary,
      ...(this.primary ? {} : { replicateAssetsTo: assetsBucketName(prefix, this.account, primaryRegion) }),
      retain: stage.protectData,
      uploadOrigins: domain ? [`https://${domain.siteName}`] : ['*'],
    });

    this.network = new Network(this, 'Network', {
      availabilityZones: rc.availabilityZones,
      natGateways: stage.natGateways,
      flowLogsBucket: this.storage.logs,
    });

    this.data = new Data(this, 'Data', {
      prefix,
      vpc: this.network.vpc,
      instanceType: stage.database.instanceType,
      multiAz: stage.database.multiAz,
      allocatedStorageGb: stage.database.allocatedStorageGb,
      backupRetentionDays: stage.database.backupRetentionDays,
      protect: stage.protectData,
      catalog: this.primary
        ? { role: 'primary', replicaRegions: stage.regions.slice(1).map((r) => r.region) }
        : { role: 'replica' },
    });

    const appInputs: AppEnvironmentInputs = {
      region: rc.region,
      stage: stage.name,
      tableName: this.data.tableName,
      assetsBucketName: this.storage.assets.bucketName,
      // Only the primary seeds the (global) catalog: two regions seeding at once would race on the same items.
      seedDemo: stage.api.seedDemo && this.primary,
      ...(stage.tracing ? { otlpEndpoint: stage.tracing.otlpEndpoint } : {}),
    };

    this.alerts = new AlarmTopic(this, 'Alerts', { emails: stage.alarmEmails });

    this.jobs = new Jobs(this, 'Jobs', {
      vpc: this.network.vpc,
      environment: jobsEnvironment(appInputs),
      reservedConcurrency: stage.jobs.reservedConcurrency,
      purpose: 'order and mail jobs',
    });

    // The asset pipeline: validation, optimisation, posters and the fidelity check render in Chromium. A real
    // model takes 1.5-6 min on 2 busy cores (docs/performance.md); 3 GB gives about 2 vCPUs, and 15 minutes is
    // Lambda's ceiling. /tmp holds the unpacked Chromium (~250 MB) and the job's files.
    this.assetJobs = new Jobs(this, 'AssetJobs', {
      vpc: this.network.vpc,
      environment: jobsEnvironment(appInputs),
      reservedConcurrency: stage.jobs.assetConcurrency,
      purpose: 'the asset pipeline (Chromium)',
      entry: ASSETS_ENTRY,
      bundling: assetsBundling(),
      architecture: lambda.Architecture.X86_64,
      memorySize: 3008,
      timeout: Duration.minutes(15),
      ephemeralStorageSize: Size.gibibytes(2),
    });
    const queues = {
      jobs: { queueUrl: this.jobs.queue.queueUrl, deadLetterQueueUrl: this.jobs.deadLetterQueue.queueUrl },
      assets: { queueUrl: this.assetJobs.queue.queueUrl, deadLetterQueueUrl: this.assetJobs.deadLetterQueue.queueUrl },
    };

    this.api = new Api(this, 'Api', {
      vpc: this.network.vpc,
      instanceType: stage.api.instanceType,
      minCapacity: stage.api.minCapacity,
      maxCapacity: stage.api.maxCapacity,
      artifacts: this.storage.artifacts,
      artifactKey: stage.api.artifactKey,
      database: {
        secret: this.data.secret,
        host: this.data.database.dbInstanceEndpointAddress,
        port: this.data.database.dbInstanceEndpointPort,
        name: DATABASE_NAME,
      },
      environment: apiEnvironment(appInputs, API_PORT, queues),
      ...(rc.certificateArn ? { certificateArn: rc.certificateArn } : {}),
      accessLogs: this.storage.logs,
      protect: stage.protectData,
    });

    // Who may reach the database, and what the app may do with its data.
    this.data.database.connections.allowDefaultPortFrom(this.api.autoScalingGroup, 'API instances');
    this.data.database.connections.allowDefaultPortFrom(this.jobs.function, 'Job functions');
    // The job function reads the database's credentials itself at cold start (src/config/secrets.ts), verifies its
    // certificate against the RDS CAs Lambda's Node runtime ships, and enqueues follow-up jobs on its own queue.
    this.data.secret.grantRead(this.jobs.function);
    this.jobs.queue.grantSendMessages(this.jobs.function);
    const jobsDatabase: Record<string, string> = {
      ...jobsDatabaseEnvironment({ secretArn: this.data.secret.secretArn, host: this.data.database.dbInstanceEndpointAddress, port: this.data.database.dbInstanceEndpointPort, name: DATABASE_NAME }),
      ...jobsQueueEnvironment({ queueUrl: this.jobs.queue.queueUrl, deadLetterQueueUrl: this.jobs.deadLetterQueue.queueUrl }),
    };
    for (const [k, v] of Object.entries(jobsDatabase)) this.jobs.function.addEnvironment(k, v);
    // The API enqueues on both queues and reads their depth (and their dead letters') for /admin/jobs and metrics.
    for (const j of [this.jobs, this.assetJobs]) {
      j.queue.grantSendMessages(this.api.role);
      j.deadLetterQueue.grant(this.api.role, 'sqs:GetQueueAttributes');
    }
    // The asset function needs the catalog and the objects only: no database, no secret, no queue to send to.
    this.data.table.grantReadWriteData(this.api.role);
    this.data.table.grantReadWriteData(this.jobs.function);
    this.data.table.grantReadWriteData(this.assetJobs.function);
    this.storage.assets.grantReadWrite(this.api.role);
    this.storage.assets.grantReadWrite(this.jobs.function);
    this.storage.assets.grantReadWrite(this.assetJobs.function);
    for (const grantee of [this.api.role, this.jobs.function, this.assetJobs.function]) {
      const reason = (what: string): string =>
        `${what}: wildcards that grantReadWrite()/grantReadWriteData()/grantRead() produce, scoped to this stage's ` +
        'assets bucket, its catalog table and (API only) the one release key in the artifacts bucket.';
      Validations.of(grantee).acknowledge(
        { id: wildcardResource(this, `${this.data.table.tableArn}/index/*`), reason: reason('Queries on the GSIs (by category, slug, changes)') },
        { id: wildcardResource(this, this.storage.assets.arnForObjects('*')), reason: reason('Any asset key: keys are content-hashed') },
        ...BUCKET_READ_WRITE_ACTIONS.map((a) => ({ id: wildcardAction(a), reason: reason(a) })),
      );
    }

    if (this.primary) {
      this.delivery = new Delivery(this, 'Delivery', {
        prefix,
        web: this.storage.web!,
        assets: this.storage.assets,
        api: domain
          ? { domainName: domain.originName, protocol: 'https' }
          : { domainName: this.api.loadBalancer.loadBalancerDnsName, protocol: this.api.protocol },
        logs: this.storage.logs,
        ...(domain ? { domain: { names: [domain.siteName], certificateArn: domain.cloudFrontCertificateArn } } : {}),
        priceClass: PRICE_CLASSES[stage.priceClass],
        // The S3 endpoint the SDK signs uploads for (virtual-hosted, regional), in every region of the stage.
        uploadOrigins: stage.regions.map((r) => `https://${assetsBucketName(prefix, this.account, r.region)}.s3.${r.region}.amazonaws.com`),
      });
    }

    if (domain) {
      this.dns = new Dns(this, 'Dns', {
        hostedZoneId: domain.hostedZoneId,
        zoneName: domain.zoneName,
        origin: {
          name: domain.originName,
          region: rc.region,
          loadBalancer: this.api.loadBalancer,
          protocol: this.api.protocol,
          healthPath: READINESS_PATH,
        },
        ...(this.delivery ? { site: { name: domain.siteName, distribution: this.delivery.distribution } } : {}),
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: stage.name,
      topic: this.alerts.topic,
      api: { loadBalancer: this.api.loadBalancer, targetGroup: this.api.targetGroup, autoScalingGroup: this.api.autoScalingGroup },
      jobs: [
        { name: 'Jobs', function: this.jobs.function, queue: this.jobs.queue, deadLetterQueue: this.jobs.deadLetterQueue },
        { name: 'AssetJobs', function: this.assetJobs.function, queue: this.assetJobs.queue, deadLetterQueue: this.assetJobs.deadLetterQueue },
      ],
      database: { instance: this.data.database, allocatedStorageGb: stage.database.allocatedStorageGb },
      table: this.data.table,
    });

    // What operators need after a deploy: where to upload releases and the web build, and where the shop is.
    const out = (name: string, value: string, description: string): void => {
      new CfnOutput(this, name, { value, description });
    };
    out('ArtifactsBucket', this.storage.artifacts.bucketName, `Upload release tarballs here (key ${stage.api.artifactKey})`);
    out('AssetsBucket', this.storage.assets.bucketName, 'The app\'s object store (S3_BUCKET)');
    out('LoadBalancer', this.api.loadBalancer.loadBalancerDnsName, 'The API origin of this region');
    out('CatalogTable', this.data.tableName, 'DYNAMODB_TABLE');
    out('JobQueueUrl', this.jobs.queue.queueUrl, 'Job queue feeding the job function (orders, mail)');
    out('AssetQueueUrl', this.assetJobs.queue.queueUrl, 'Job queue feeding the asset function');
    out('Dashboard', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard');
    if (this.delivery) {
      out('WebBucket', this.storage.web!.bucketName, 'Sync web/dist here');
      out('DistributionId', this.delivery.distribution.distributionId, 'Invalidate /index.html here after a web deploy');
      out('SiteUrl', `https://${domain ? domain.siteName : this.delivery.distribution.distributionDomainName}`, 'The shop');
    }
  }

  /** The stage's AZs, written out: an explicit-region stack would otherwise look them up (credentials needed). */
  override get availabilityZones(): string[] {
    return this.azs;
  }
}

const PRICE_CLASSES: Record<StageConfig['priceClass'], cloudfront.PriceClass> = {
  '100': cloudfront.PriceClass.PRICE_CLASS_100,
  '200': cloudfront.PriceClass.PRICE_CLASS_200,
  ALL: cloudfront.PriceClass.PRICE_CLASS_ALL,
};
