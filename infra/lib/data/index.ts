// Layer 4, Databases: the relational database (the design's RDS) and the catalog table (DynamoDB).
//
// RDS PostgreSQL: accounts, sessions, carts, orders, payments, stock, the outbox and jobs. Multi-AZ (a standby in a
// second AZ takes over in about a minute), storage encrypted with a customer-managed KMS key, TLS required
// (rds.force_ssl), 7+ days of automated backups, deletion protection, credentials generated into Secrets Manager,
// isolated subnets, and a security group that nothing may enter until the stack allows a peer (the API and jobs).
//
// DynamoDB: the catalog, the app's single-table design exactly as `ensureSchema()` in
// src/databases/catalog/dynamo-repository.ts creates it: keys PK/SK, GSI1 (GSI1PK, GSI1SK), GSI2 (GSI2PK),
// GSI3 (GSI3PK, GSI3SK), all string keys, all projecting ALL, on-demand. Point-in-time recovery, encryption,
// deletion protection. In a multi-region stage the primary region's table is a global table with a replica in
// each other region; the secondaries use their replica by name.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The catalog table's indexes as the app defines them: index name → [partition key, sort key?]. */
export const CATALOG_INDEXES: Readonly<Record<string, readonly [string, string?]>> = {
  GSI1: ['GSI1PK', 'GSI1SK'],
  GSI2: ['GSI2PK'],
  GSI3: ['GSI3PK', 'GSI3SK'],
};

export const DATABASE_NAME = 'vitrine';
export const DATABASE_USER = 'vitrine';

export interface DataProps {
  /** Resource-name prefix, e.g. vitrine-prod. */
  readonly prefix: string;
  readonly vpc: ec2.IVpc;
  readonly instanceType: string;
  readonly multiAz: boolean;
  readonly allocatedStorageGb: number;
  readonly backupRetentionDays: number;
  /** Keep the database and table on stack deletion; refuse deletes. */
  readonly protect: boolean;
  /**
   * 'primary': create the catalog table, with a replica in each of `replicaRegions`.
   * 'replica': this region's replica already exists (the primary created it): use it by name.
   */
  readonly catalog: { readonly role: 'primary'; readonly replicaRegions: string[] } | { readonly role: 'replica' };
}

export class Data extends Construct {
  public readonly key: kms.Key;
  public readonly database: rds.DatabaseInstance;
  public readonly secret: secretsmanager.ISecret;
  public readonly table: dynamodb.ITableV2;
  public readonly tableName: string;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const removalPolicy = props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'Key', {
      description: `${props.prefix}: database storage, its secret and logs`,
      enableKeyRotation: true,
      removalPolicy,
    });

    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_13 });
    const instanceIdentifier = `${props.prefix}-db`;
    // Created before the instance so that its logs have a retention (RDS would create them to keep forever).
    const logGroup = new logs.LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/instance/${instanceIdentifier}/postgresql`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.database = new rds.DatabaseInstance(this, 'Postgres', {
      engine,
      instanceIdentifier,
      instanceType: new ec2.InstanceType(props.instanceType),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      multiAz: props.multiAz,
      databaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER, {
        secretName: `${props.prefix}/database`,
        encryptionKey: this.key,
      }),
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGb,
      maxAllocatedStorage: props.allocatedStorageGb * 4,
      backupRetention: Duration.days(props.backupRetentionDays),
      deletionProtection: props.protect,
      removalPolicy: props.protect ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
      parameterGroup: new rds.ParameterGroup(this, 'Parameters', {
        engine,
        parameters: {
          'rds.force_ssl': '1', // encryption in transit: plain connections are refused
          log_min_duration_statement: '500', // slow statements (ms) into the postgresql log
        },
      }),
      cloudwatchLogsExports: ['postgresql'],
    });
    this.database.node.addDependency(logGroup);
    // Nothing can connect until the stack allows a peer (allowDefaultPortFrom).
    this.secret = this.database.secret!;

    if (!props.multiAz) {
      Validations.of(this.database).acknowledge({
        id: 'AwsSolutions-RDS3',
        reason: 'Single-AZ only where the stage says so (dev), to halve the cost; production stages are Multi-AZ.',
      });
    }
    if (!props.protect) {
      Validations.of(this.database).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: 'Deletion protection is off only in disposable stages (dev); production stages protect their data.',
      });
    }
    Validations.of(this.database).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason: 'The default port is not a control: the security group admits only the API instances and the job functions.',
    });
    Validations.of(this.database.node.findChild('Secret')).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The API composes DATABASE_URL from the secret at boot and keeps a pool open; rotating under it would break new ' +
        'connections. Rotation waits for the app to re-read credentials (see infra/README.md, "What is left").',
    });

    this.tableName = `${props.prefix}-catalog`;
    if (props.catalog.role === 'primary') {
      const s = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
      this.table = new dynamodb.TableV2(this, 'Catalog', {
        tableName: this.tableName,
        partitionKey: s('PK'),
        sortKey: s('SK'),
        billing: dynamodb.Billing.onDemand(),
        globalSecondaryIndexes: Object.entries(CATALOG_INDEXES).map(([indexName, [pk, sk]]) => ({
          indexName,
          partitionKey: s(pk),
          ...(sk ? { sortKey: s(sk) } : {}),
          projectionType: dynamodb.ProjectionType.ALL,
        })),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // AWS-owned keys cost nothing; an AWS-managed key (aws/dynamodb) puts every use in CloudTrail.
        encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
        deletionProtection: props.protect,
        removalPolicy,
        replicas: props.catalog.replicaRegions.map((region) => ({ region })),
      });
    } else {
      this.table = dynamodb.TableV2.fromTableAttributes(this, 'Catalog', {
        tableName: this.tableName,
        globalIndexes: Object.keys(CATALOG_INDEXES),
      });
    }
  }
}
