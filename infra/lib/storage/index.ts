// Layer 1, Storage (the design's S3): the buckets of one region.
// - assets: 3D models, posters and videos under content-hashed keys (the app's OBJECT_STORE=s3, S3_BUCKET).
// - web: the built storefront (web/dist), served by CloudFront; only in the primary region.
// - artifacts: release tarballs the API instances download at boot.
// - logs: access logs of the other buckets, the ALB, CloudFront and the VPC's flow logs.
// Every bucket is private (Block Public Access), encrypted with S3-managed keys (SSE-S3: what ALB and CloudFront
// log delivery require, and no KMS key policy to keep in step with CloudFront's OAC), versioned, TLS-only
// (TLS 1.2+), access-logged, and drops old versions after a while.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { wildcardResource } from '../nag.ts';

export interface StorageProps {
  /** Resource-name prefix, e.g. vitrine-prod. */
  readonly prefix: string;
  /** Create the web bucket (the primary region only: CloudFront is global). */
  readonly withWebBucket: boolean;
  /**
   * In a secondary region: the primary region's assets bucket name. Uploads landing here are replicated there, the
   * one bucket CloudFront serves /assets/* from (keys are content-hashed, so replicas never conflict).
   */
  readonly replicateAssetsTo?: string;
  /** Retain buckets on stack deletion. */
  readonly retain: boolean;
  /** Days a replaced or deleted object version is kept. */
  readonly noncurrentVersionDays?: number;
  /** Days access logs are kept. */
  readonly logRetentionDays?: number;
  /** Origins allowed to upload to the assets bucket with presigned URLs (the shop's https origin). */
  readonly uploadOrigins: string[];
}

export class Storage extends Construct {
  public readonly logs: s3.Bucket;
  public readonly assets: s3.Bucket;
  public readonly artifacts: s3.Bucket;
  public readonly web?: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const noncurrentDays = Duration.days(props.noncurrentVersionDays ?? 30);

    this.logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // CloudFront's standard logs are written with ACLs: the log bucket must accept them.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-logs',
          expiration: Duration.days(props.logRetentionDays ?? 90),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    Validations.of(this.logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself: logging it into itself would loop.',
    });

    const common = (logPrefix: string): s3.BucketProps => ({
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: `s3/${logPrefix}/`,
      removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: noncurrentDays,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const stack = Stack.of(this);
    this.assets = new s3.Bucket(this, 'Assets', {
      ...common('assets'),
      // A fixed name so that secondary regions can replicate into the primary's bucket without cross-region lookups.
      bucketName: assetsBucketName(props.prefix, stack.account, stack.region),
      // Browsers upload models straight to the bucket with presigned URLs.
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedOrigins: props.uploadOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      ...(props.replicateAssetsTo
        ? {
            replicationRules: [
              {
                destination: s3.Bucket.fromBucketName(this, 'PrimaryAssets', props.replicateAssetsTo),
                priority: 1,
                deleteMarkerReplication: false,
              },
            ],
          }
        : {}),
    });

    if (props.replicateAssetsTo) {
      const role = this.assets.node.findChild('ReplicationRole');
      const reason = 'S3 replication reads and writes every object version of the two assets buckets: keys are content-hashed and unknown in advance.';
      Validations.of(role).acknowledge(
        { id: wildcardResource(this, this.assets.arnForObjects('*')), reason },
        { id: wildcardResource(this, s3.Bucket.fromBucketName(this, 'ReplicaTarget', props.replicateAssetsTo).arnForObjects('*')), reason },
      );
    }

    this.artifacts = new s3.Bucket(this, 'Artifacts', common('artifacts'));

    if (props.withWebBucket) this.web = new s3.Bucket(this, 'Web', common('web'));
  }
}

/** `<prefix>-assets-<account>-<region>`: unique per account and region, and computable from another region. */
export function assetsBucketName(prefix: string, account: string, region: string): string {
  return `${prefix}-assets-${account}-${region}`;
}
