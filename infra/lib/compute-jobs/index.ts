// Layer 3, Compute (the design's Lambda): background jobs. An SQS queue feeds a function that runs the app's own job
// handlers (infra/lambda/jobs.ts bundles src/compute/handlers with esbuild). A record that fails is reported back
// on its own (ReportBatchItemFailures), so the rest of its batch is not run again; after 5 receives SQS moves it to
// the dead-letter queue, which the monitoring construct alarms on. Queues are encrypted (SSE-SQS) and refuse
// non-TLS requests. The function runs in the private subnets (it may reach the database) with a reserved
// concurrency: the ceiling on parallel jobs, so on database connections and on downstream load.
//
// A stage has two: `Jobs` (orders, mail: small, ARM) and `AssetJobs` (the asset pipeline: validator, codecs, sharp
// and a headless Chromium with SwiftShader for the renders and the fidelity check; x86_64, since the Chromium built
// for Lambda that installs from npm is x86_64 only, with the memory and the 15 minutes a real model may need). The
// app routes asset jobs to the second queue itself (SQS_ASSETS_QUEUE_URL).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ASSET_PACKAGES, copyCommands, packageClosure } from './node-modules.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The entry files: thin shells over the app's handlers. */
export const JOBS_ENTRY = path.resolve(here, '../../lambda/jobs.ts');
export const ASSETS_ENTRY = path.resolve(here, '../../lambda/assets.ts');
/** Where the packages the asset function ships are installed: the app's node_modules, then infra's. */
export const PACKAGE_ROOTS = [path.resolve(here, '../../../node_modules'), path.resolve(here, '../../node_modules')];

/** How esbuild bundles the entry (test/lambda-entry.test.ts bundles it the same way and runs it). */
export const JOBS_BUNDLING = {
  format: nodejs.OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
  banner: "import { createRequire as __vitrineCreateRequire } from 'node:module'; const require = __vitrineCreateRequire(import.meta.url);",
  // The app pins its SDK versions; ship those rather than the runtime's copy.
  externalModules: [],
  minify: false,
  keepNames: true,
  // No source maps: they would add NODE_OPTIONS, which is not the app's configuration.
  sourceMap: false,
} satisfies nodejs.BundlingOptions;

/** The asset function's bundling: the same, with the pipeline's run-time packages copied beside the bundle. */
export function assetsBundling(): nodejs.BundlingOptions {
  return {
    ...JOBS_BUNDLING,
    externalModules: [...ASSET_PACKAGES],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      // Resolved when the hook runs (at bundling, which tests skip), so a missing package fails synth, not a test.
      afterBundling: (_inputDir: string, outputDir: string) => {
        const copies = packageClosure(ASSET_PACKAGES, PACKAGE_ROOTS);
        // sharp's native binary is the installing machine's: the function is Linux x86_64.
        if (!copies.some((c) => c.name === '@img/sharp-linux-x64')) {
          throw new Error('asset function: sharp has no linux-x64 binary installed; run npm ci on x86_64 Linux (see docs/deploy.md)');
        }
        return copyCommands(copies, outputDir);
      },
    },
  };
}

export interface JobsProps {
  readonly vpc: ec2.IVpc;
  /** The app's configuration (names from src/config/env.ts CONFIG_KEYS). AWS_REGION is Lambda's own. */
  readonly environment: Record<string, string>;
  readonly reservedConcurrency: number;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** Receives before a message goes to the DLQ. */
  readonly maxReceiveCount?: number;
  /** Defaults: the orders-and-mail function (JOBS_ENTRY, ARM). */
  readonly entry?: string;
  readonly bundling?: nodejs.BundlingOptions;
  readonly architecture?: lambda.Architecture;
  readonly ephemeralStorageSize?: Size;
  /** What the function runs, for its description. */
  readonly purpose?: string;
}

export class Jobs extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly function: nodejs.NodejsFunction;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(2);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue: its messages wait here for an operator, they are not redriven further.',
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for Lambda event sources: at least 6 times the function timeout, so a slow batch and its
      // retries never make a message visible again while it is still being worked on.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Job functions: outbound only (AWS APIs, the database)',
      allowAllOutbound: true,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: `${Stack.of(this).stackName}: ${props.purpose ?? "the app's job handlers"} behind SQS`,
      entry: props.entry ?? JOBS_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout,
      ...(props.ephemeralStorageSize ? { ephemeralStorageSize: props.ephemeralStorageSize } : {}),
      reservedConcurrentExecutions: props.reservedConcurrency,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      environment: props.environment,
      logGroup,
      bundling: props.bundling ?? JOBS_BUNDLING,
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 on purpose: the API instances run Node 22 too (AL2023 nodejs22), so the job handlers run on the ' +
        'runtime the app is tested on. Move both together when the app moves to Node 24.',
    });
    for (const policy of ['AWSLambdaBasicExecutionRole', 'AWSLambdaVPCAccessExecutionRole']) {
      Validations.of(this.function).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason:
          "AWS's own minimal policies for a function's logs and its network interfaces in the VPC, which Lambda attaches " +
          'to every VPC function; the ENI actions need resource "*".',
      });
    }

    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: props.reservedConcurrency,
      }),
    );
  }
}
