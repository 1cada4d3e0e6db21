// The catalog table must be exactly what the app creates for itself (DynamoCatalogRepository.ensureSchema()):
// the test runs ensureSchema() against a fake DynamoDB endpoint, records its CreateTable request and compares.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { Data } from '../lib/data/index.ts';
import { resources, template, testStack, testVpc } from './helpers.ts';

interface KeyElement { AttributeName: string; KeyType: string }
interface CreateTable {
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  KeySchema: KeyElement[];
  BillingMode: string;
  GlobalSecondaryIndexes: { IndexName: string; KeySchema: KeyElement[]; Projection: { ProjectionType: string } }[];
}

/** What the app sends as CreateTable, captured through a request handler that plays DynamoDB. */
async function appTableDefinition(): Promise<CreateTable> {
  let created: CreateTable | undefined;
  const respond = (status: number, body: unknown) => ({
    response: { statusCode: status, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.from(JSON.stringify(body)) },
  });
  const repo = new DynamoCatalogRepository({
    region: 'us-east-1',
    tableName: 'vitrine-test-catalog',
    client: {
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: async (req: { headers: Record<string, string>; body: string | Uint8Array }) => {
          const op = req.headers['x-amz-target']!.split('.')[1];
          if (op === 'CreateTable') {
            created = JSON.parse(typeof req.body === 'string' ? req.body : new TextDecoder().decode(req.body)) as CreateTable;
            return respond(200, { TableDescription: { TableStatus: 'CREATING' } });
          }
          if (!created) return respond(400, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'no table' });
          return respond(200, {
            Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: created.GlobalSecondaryIndexes.map((i) => ({ IndexName: i.IndexName, IndexStatus: 'ACTIVE' })) },
          });
        },
      } as never,
    },
  });
  await repo.ensureSchema();
  await repo.close();
  assert.ok(created, 'ensureSchema() sent no CreateTable');
  return created;
}

describe('data', () => {
  const stack = testStack();
  const data = new Data(stack, 'Data', {
    prefix: 'vitrine-test',
    vpc: testVpc(stack),
    instanceType: 'm7g.large',
    multiAz: true,
    allocatedStorageGb: 100,
    backupRetentionDays: 14,
    protect: true,
    catalog: { role: 'primary', replicaRegions: ['eu-west-1'] },
  });
  const t = template(stack);

  it('runs PostgreSQL 16, Multi-AZ, encrypted with its own KMS key, backed up 7+ days, deletion-protected', () => {
    t.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: Match.stringLikeRegexp('^16\\.'),
      MultiAZ: true,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      BackupRetentionPeriod: 14,
      DeletionProtection: true,
      PubliclyAccessible: false,
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('generates its credentials into Secrets Manager and requires TLS', () => {
    t.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }) });
    t.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: Match.objectLike({ 'rds.force_ssl': '1' }) });
    assert.ok(data.secret.secretArn);
  });

  it('sits in the isolated subnets behind a security group that admits no one by default', () => {
    const [[, group]] = resources(t, 'AWS::RDS::DBSubnetGroup') as [[string, { SubnetIds: { Ref: string }[] }]];
    for (const s of group.SubnetIds) assert.match(s.Ref, /isolated/i);
    const ingress = resources(t, 'AWS::EC2::SecurityGroup').flatMap(([, p]) => (p.SecurityGroupIngress as unknown[]) ?? []);
    assert.deepEqual(ingress, []);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it('creates the catalog table exactly as the app\'s ensureSchema() does', async () => {
    const app = await appTableDefinition();
    const [[, table]] = resources(t, 'AWS::DynamoDB::GlobalTable') as [[string, Record<string, unknown>]];
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(a: T[]) =>
      [...a].sort((x, y) => String(x.AttributeName ?? x.IndexName).localeCompare(String(y.AttributeName ?? y.IndexName)));
    assert.deepEqual(byName(table.AttributeDefinitions as never[]), byName(app.AttributeDefinitions));
    assert.deepEqual(table.KeySchema, app.KeySchema);
    assert.equal(table.BillingMode, app.BillingMode);
    const indexes = (table.GlobalSecondaryIndexes as CreateTable['GlobalSecondaryIndexes']).map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }));
    assert.deepEqual(byName(indexes), byName(app.GlobalSecondaryIndexes));
  });

  it('turns on point-in-time recovery and deletion protection in every replica', () => {
    const [[, table]] = resources(t, 'AWS::DynamoDB::GlobalTable') as [[string, { Replicas: Record<string, unknown>[]; SSESpecification: unknown; TableName: string }]];
    assert.equal(table.TableName, 'vitrine-test-catalog');
    assert.deepEqual(table.Replicas.map((r) => r.Region).sort(), ['eu-west-1', 'us-east-1']);
    for (const r of table.Replicas) {
      assert.deepEqual(r.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
      assert.equal(r.DeletionProtectionEnabled, true);
    }
    assert.match(JSON.stringify(table.SSESpecification), /"SSEEnabled":true/);
  });

  it('uses the existing replica by name in a secondary region', () => {
    const s = testStack('eu-west-1');
    const d = new Data(s, 'Data', {
      prefix: 'vitrine-test', vpc: testVpc(s), instanceType: 't4g.micro', multiAz: false, allocatedStorageGb: 20,
      backupRetentionDays: 7, protect: false, catalog: { role: 'replica' },
    });
    template(s).resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    assert.equal(d.tableName, 'vitrine-test-catalog');
  });
});
