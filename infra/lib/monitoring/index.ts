// Layer 5, Monitoring (the design's CloudWatch): one alarm topic, the alarms that page someone, and a dashboard.
//
// Alarms (all notify the topic, on ALARM and on OK):
// | alarm                 | metric                                             | fires when                                    |
// |-----------------------|----------------------------------------------------|-----------------------------------------------|
// | ApiElb5xx             | AWS/ApplicationELB HTTPCode_ELB_5XX_Count          | >= 10 in 5 min (no healthy target, timeouts)  |
// | ApiTarget5xx          | AWS/ApplicationELB HTTPCode_Target_5XX_Count       | >= 10 in 5 min (the app answered 5xx)         |
// | ApiLatencyP99         | AWS/ApplicationELB TargetResponseTime p99          | > 1 s for 3 periods of 5 min                  |
// | ApiNoHealthyHosts     | AWS/ApplicationELB HealthyHostCount (minimum)      | < 1 for 2 min                                 |
// Per job function (<F> = Jobs for orders and mail, AssetJobs for the asset pipeline):
// | <F>Errors             | AWS/Lambda Errors                                  | >= 1 in 5 min (crash or timeout, not a failed record) |
// | <F>Throttles          | AWS/Lambda Throttles                               | >= 1 in 5 min                                 |
// | <F>DeadLetters        | AWS/SQS ApproximateNumberOfMessagesVisible (DLQ)   | > 0                                           |
// | <F>QueueAge           | AWS/SQS ApproximateAgeOfOldestMessage              | > 15 min (jobs are not keeping up)            |
// | DatabaseCpu           | AWS/RDS CPUUtilization                             | > 80 % for 15 min                             |
// | DatabaseFreeStorage   | AWS/RDS FreeStorageSpace                           | < 10 % of the allocated storage               |
// | CatalogThrottles      | AWS/DynamoDB ThrottledRequests (the app's operations) | >= 1 in 5 min                              |
// | CatalogReadModelAge   | Vitrine catalog_readmodel_age_seconds (the app's)  | > 30 s for 3 min (stale prices)               |
//
// The app's own metrics (namespace `Vitrine`, dimension `Stage`) are the names in APP_METRICS below; the API sends
// them as CloudWatch embedded-metric-format (EMF) documents to the CloudWatch agent on its instance every minute
// (src/monitoring/emf.ts; METRICS_EMF in app-config.ts).
import { Duration, Stack } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The metrics the app is expected to emit (EMF), with the statistic the dashboard shows. */
export const APP_METRICS = {
  namespace: 'Vitrine',
  dimension: 'Stage',
  metrics: {
    /** Time to answer an HTTP request, per request (seconds). */
    http_request_duration_seconds: { unit: cloudwatch.Unit.SECONDS, statistics: ['p50', 'p99'] },
    /** Age of the newest change the catalog read model has applied (seconds): the bound on a stale price. */
    catalog_readmodel_age_seconds: { unit: cloudwatch.Unit.SECONDS, statistics: ['Maximum'] },
    /** Jobs waiting in the job queue (the app's QueueDepth.queued). */
    queue_depth: { unit: cloudwatch.Unit.COUNT, statistics: ['Maximum'] },
  },
} as const;

/** The DynamoDB operations the catalog repository calls (an alarm may combine at most 10 metrics). */
const CATALOG_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.SCAN,
];

export interface AlarmTopicProps {
  readonly emails: string[];
}

/** The SNS topic alarms and operational events go to, encrypted with a key CloudWatch and EventBridge may use. */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', { description: 'Vitrine alarm topic', enableKeyRotation: true });
    // Alarms and events publish as their service: the key must let those services encrypt for the topic.
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.key.grant(new iam.ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Vitrine alarms', masterKey: this.key, enforceSSL: true });
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}

export interface MonitoringProps {
  readonly stage: string;
  readonly topic: sns.ITopic;
  readonly api: {
    readonly loadBalancer: elbv2.IApplicationLoadBalancer;
    readonly targetGroup: elbv2.IApplicationTargetGroup;
    readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  };
  /** Each job function and its queues; `name` prefixes its alarms (JobsErrors, AssetJobsDeadLetters…). */
  readonly jobs: readonly JobsToWatch[];
  readonly database: { readonly instance: rds.IDatabaseInstance; readonly allocatedStorageGb: number };
  readonly table: dynamodb.ITableV2;
}

export interface JobsToWatch {
  readonly name: string;
  readonly function: lambda.IFunction;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export class Monitoring extends Construct {
  public readonly alarms: Record<string, cloudwatch.Alarm> = {};
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const five = Duration.minutes(5);
    const one = Duration.minutes(1);
    const alb = props.api.loadBalancer.metrics;
    const db = props.database.instance;
    const appMetric = (name: keyof typeof APP_METRICS.metrics, statistic: string, period = one): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: APP_METRICS.namespace,
        metricName: name,
        dimensionsMap: { [APP_METRICS.dimension]: props.stage },
        statistic,
        period,
      });

    const m = {
      elb5xx: alb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: five, statistic: 'Sum' }),
      target5xx: alb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: five, statistic: 'Sum' }),
      p99: alb.targetResponseTime({ period: five, statistic: 'p99' }),
      p50: alb.targetResponseTime({ period: five, statistic: 'p50' }),
      requests: alb.requestCount({ period: five, statistic: 'Sum' }),
      healthy: props.api.targetGroup.metrics.healthyHostCount({ period: one, statistic: 'Minimum' }),
      dbCpu: db.metricCPUUtilization({ period: five, statistic: 'Average' }),
      dbFree: db.metricFreeStorageSpace({ period: five, statistic: 'Minimum' }),
      dbConnections: db.metricDatabaseConnections({ period: five, statistic: 'Maximum' }),
      catalogThrottles: props.table.metricThrottledRequestsForOperations({ operations: CATALOG_OPERATIONS, period: five }),
      readModelAge: appMetric('catalog_readmodel_age_seconds', 'Maximum'),
    };

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      opts: Partial<cloudwatch.CreateAlarmOptions> = {},
    ): void => {
      const a = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
        ...opts,
      });
      a.addAlarmAction(new actions.SnsAction(props.topic));
      a.addOkAction(new actions.SnsAction(props.topic));
      this.alarms[name] = a;
    };

    alarm('ApiElb5xx', m.elb5xx, 10, 'The load balancer answered 5xx itself (no healthy target, target timeouts).');
    alarm('ApiTarget5xx', m.target5xx, 10, 'The API answered 5xx.');
    alarm('ApiLatencyP99', m.p99, 1, 'The slowest 1% of API requests took over a second for 15 minutes.', {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    alarm('ApiNoHealthyHosts', m.healthy, 1, 'No API instance passes the /healthz check.', {
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const jobs = props.jobs.map((j) => {
      const jm = {
        name: j.name,
        errors: j.function.metricErrors({ period: five, statistic: 'Sum' }),
        throttles: j.function.metricThrottles({ period: five, statistic: 'Sum' }),
        invocations: j.function.metricInvocations({ period: five, statistic: 'Sum' }),
        duration: j.function.metricDuration({ period: five, statistic: 'p99' }),
        dlqDepth: j.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: one, statistic: 'Maximum' }),
        queueDepth: j.queue.metricApproximateNumberOfMessagesVisible({ period: one, statistic: 'Maximum' }),
        queueAge: j.queue.metricApproximateAgeOfOldestMessage({ period: one, statistic: 'Maximum' }),
      };
      alarm(`${j.name}Errors`, jm.errors, 1, `The ${j.name} function crashed or timed out (failed records alone do not count).`);
      alarm(`${j.name}Throttles`, jm.throttles, 1, `The ${j.name} function was throttled: reserved concurrency is too low for the event source.`);
      alarm(`${j.name}DeadLetters`, jm.dlqDepth, 0, `${j.name} jobs failed 5 times and wait in the dead-letter queue.`, {
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      alarm(`${j.name}QueueAge`, jm.queueAge, 15 * 60, `The oldest ${j.name} job has waited over 15 minutes: jobs are not keeping up.`, {
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      return jm;
    });
    alarm('DatabaseCpu', m.dbCpu, 80, 'The database CPU has been over 80% for 15 minutes.', {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    alarm('DatabaseFreeStorage', m.dbFree, props.database.allocatedStorageGb * 1024 ** 3 * 0.1, 'The database has under 10% of its storage free.', {
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
    alarm('CatalogThrottles', m.catalogThrottles, 1, 'DynamoDB throttled catalog requests.');
    alarm('CatalogReadModelAge', m.readModelAge, 30, 'The catalog read model is over 30 s behind: prices shown may be stale.', {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });

    // Auto Scaling's failed launches and terminations (its notifications cannot use an encrypted topic).
    new events.Rule(this, 'ScalingFailures', {
      description: 'API instances that failed to launch or terminate',
      eventPattern: {
        source: ['aws.autoscaling'],
        detailType: ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
        detail: { AutoScalingGroupName: [props.api.autoScalingGroup.autoScalingGroupName] },
      },
      targets: [new eventTargets.SnsTopic(props.topic)],
    });

    const region = Stack.of(this).region;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `vitrine-${props.stage}-${region}`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 3 })],
        [
          graph('API requests and errors', [m.requests], [m.elb5xx, m.target5xx]),
          graph('API response time (s)', [m.p50, m.p99]),
          graph('API healthy instances', [m.healthy]),
        ],
        ...jobs.map((jm) => [
          graph(`${jm.name}: invocations, errors, throttles; p99 duration`, [jm.invocations, jm.errors, jm.throttles], [jm.duration]),
          graph(`${jm.name}: queue and dead letters; oldest age`, [jm.queueDepth, jm.dlqDepth], [jm.queueAge]),
        ]),
        [graph('Catalog table throttles', [m.catalogThrottles])],
        [
          graph('Database CPU (%) and connections', [m.dbCpu], [m.dbConnections]),
          graph('Database free storage (bytes)', [m.dbFree]),
          new cloudwatch.TextWidget({
            markdown: `**App metrics** (namespace \`${APP_METRICS.namespace}\`, dimension \`${APP_METRICS.dimension}=${props.stage}\`, EMF)`,
            width: 8,
            height: 6,
          }),
        ],
        [
          graph('App: HTTP request duration (s)', [
            appMetric('http_request_duration_seconds', 'p50'),
            appMetric('http_request_duration_seconds', 'p99'),
          ]),
          graph('App: catalog read model age (s)', [m.readModelAge]),
          graph('App: job queue depth', [appMetric('queue_depth', 'Maximum')]),
        ],
      ],
    });
  }
}
