// A stage is one deployment of Vitrine (dev, prod): which regions, how big, which domain. Stages live in cdk.json
// under the context key `vitrine:stages` and are picked with `-c stage=<name>`; this file gives them a type and
// checks them before any construct is built, so a bad value fails synth with a message naming the field.

export interface RegionConfig {
  /** e.g. us-east-1. The first region of a stage is its primary: it holds CloudFront and the web bucket. */
  readonly region: string;
  /** Written out so synth never looks them up (no credentials needed). At least 2. */
  readonly availabilityZones: string[];
  /** ACM certificate in this region for the ALB, covering `domain.originName`. Required when a domain is set. */
  readonly certificateArn?: string;
}

export interface DomainConfig {
  /** The Route 53 public hosted zone, given by id and name: no lookups. */
  readonly hostedZoneId: string;
  readonly zoneName: string;
  /** What shoppers type, e.g. shop.example.com: A/AAAA aliases to CloudFront. */
  readonly siteName: string;
  /** What CloudFront calls for /api/*, e.g. origin.shop.example.com: latency records to each region's ALB. */
  readonly originName: string;
  /** ACM certificate in us-east-1 covering siteName, for CloudFront. */
  readonly cloudFrontCertificateArn: string;
}

export interface StageConfig {
  readonly name: string;
  /** Regions, primary first. More than one needs a domain (latency records are how shoppers reach the others). */
  readonly regions: RegionConfig[];
  readonly domain?: DomainConfig;
  /** NAT gateways per region: 1 saves money, one per AZ survives an AZ outage. */
  readonly natGateways: number;
  readonly api: {
    readonly instanceType: string;
    readonly minCapacity: number;
    readonly maxCapacity: number;
    /** Key of the release tarball in the artifacts bucket; change it to roll out a release. */
    readonly artifactKey: string;
    /** Generate the demo catalog on first start (SEED_DEMO). */
    readonly seedDemo: boolean;
  };
  readonly database: {
    readonly instanceType: string;
    readonly multiAz: boolean;
    readonly allocatedStorageGb: number;
    readonly backupRetentionDays: number;
  };
  readonly jobs: {
    /** Reserved concurrency of the job function: the most parallel jobs, and so the most database connections. */
    readonly reservedConcurrency: number;
    /** Reserved concurrency of the asset function: models processed at once (each up to 3 GB and 15 minutes). */
    readonly assetConcurrency: number;
  };
  /** Traces: an OTLP/HTTP collector every process exports to (OTEL_EXPORTER_OTLP_ENDPOINT). Unset = none. */
  readonly tracing?: { readonly otlpEndpoint: string };
  /** Who gets alarm emails (subscriptions need confirming by mail). */
  readonly alarmEmails: string[];
  /** CloudFront price class: 100 (NA+EU), 200, or ALL. */
  readonly priceClass: '100' | '200' | 'ALL';
  /** Keep buckets, the database and the table when the stack is deleted, and refuse to delete them by accident. */
  readonly protectData: boolean;
}

/** Per-deploy choices given on the command line, not stored with the stage. */
export interface DeployOptions {
  /** `-c release=<key>`: the release tarball's key in the artifacts bucket; a new key rolls the API instances. */
  readonly release?: string;
  /**
   * `-c firstDeploy=true`: the first deploy of a stage, before any release is uploaded: the API group starts empty
   * (nothing to download yet). Upload a release, then deploy again without it.
   */
  readonly firstDeploy?: boolean;
}

/** The stage as this deploy runs it. */
export function applyDeployOptions(stage: StageConfig, o: DeployOptions): StageConfig {
  if (o.release !== undefined && !/^[A-Za-z0-9!_.*'()/-]+\.tgz$/.test(o.release)) {
    throw new StageConfigError(`release: ${JSON.stringify(o.release)} is not an S3 key of a .tgz file`);
  }
  return {
    ...stage,
    api: {
      ...stage.api,
      ...(o.release ? { artifactKey: o.release } : {}),
      ...(o.firstDeploy ? { minCapacity: 0 } : {}),
    },
  };
}

export class StageConfigError extends Error {
  readonly code = 'INVALID_STAGE';
}

/** Reads `vitrine:stages[name]` from the context value and checks it. */
export function parseStage(stages: unknown, name: string): StageConfig {
  if (!isRecord(stages)) throw new StageConfigError('stage: context "vitrine:stages" is missing (see cdk.json)');
  const raw = stages[name];
  if (!isRecord(raw)) throw new StageConfigError(`stage: no stage "${name}" in cdk.json; known: ${Object.keys(stages).join(', ')}`);
  const stage = { name, ...raw } as unknown as StageConfig;
  checkStage(stage);
  return stage;
}

export function checkStage(s: StageConfig): void {
  const fail = (field: string, msg: string): never => {
    throw new StageConfigError(`stage ${s.name}: ${field} ${msg}`);
  };
  if (!/^[a-z][a-z0-9-]{1,15}$/.test(s.name)) fail('name', 'must be 2-16 of a-z 0-9 - (it goes into resource names)');
  if (!Array.isArray(s.regions) || s.regions.length === 0) fail('regions', 'needs at least one region');
  const seen = new Set<string>();
  s.regions.forEach((r, i) => {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r.region)) fail(`regions[${i}].region`, `is not a region name: ${JSON.stringify(r.region)}`);
    if (seen.has(r.region)) fail(`regions[${i}].region`, `${r.region} appears twice`);
    seen.add(r.region);
    if (!Array.isArray(r.availabilityZones) || r.availabilityZones.length < 2) fail(`regions[${i}].availabilityZones`, 'needs 2 or more AZs');
    for (const az of r.availabilityZones) if (!az.startsWith(r.region)) fail(`regions[${i}].availabilityZones`, `has ${az}, not in ${r.region}`);
    if (s.domain && !r.certificateArn) fail(`regions[${i}].certificateArn`, 'is required with a domain (CloudFront reaches the ALB over HTTPS)');
  });
  if (s.regions.length > 1 && !s.domain) fail('domain', 'is required with more than one region (latency records route to the regions)');
  if (s.domain) {
    const d = s.domain;
    for (const n of ['siteName', 'originName'] as const) {
      if (!(d[n] === d.zoneName || d[n].endsWith(`.${d.zoneName}`))) fail(`domain.${n}`, `must be in the zone ${d.zoneName}`);
    }
    if (!d.cloudFrontCertificateArn.startsWith('arn:aws:acm:us-east-1:')) fail('domain.cloudFrontCertificateArn', 'must be an ACM certificate in us-east-1');
  }
  if (!Number.isInteger(s.natGateways) || s.natGateways < 1) fail('natGateways', 'must be 1 or more (instances and functions reach Secrets Manager, SQS and CloudWatch through NAT)');
  if (s.api.minCapacity < 1 || s.api.maxCapacity < s.api.minCapacity) fail('api', 'needs 1 <= minCapacity <= maxCapacity');
  if (s.database.backupRetentionDays < 7) fail('database.backupRetentionDays', 'must be 7 or more');
  if (s.jobs.reservedConcurrency < 2) fail('jobs.reservedConcurrency', 'must be 2 or more (SQS event sources need 2)');
  if (!Number.isInteger(s.jobs.assetConcurrency) || s.jobs.assetConcurrency < 2) fail('jobs.assetConcurrency', 'must be 2 or more (SQS event sources need 2)');
  if (s.tracing && !/^https?:\/\/[^\s/]+/.test(s.tracing.otlpEndpoint)) fail('tracing.otlpEndpoint', 'must be an http(s) URL of an OTLP/HTTP collector');
  if (!['100', '200', 'ALL'].includes(s.priceClass)) fail('priceClass', 'must be "100", "200" or "ALL"');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
