// The queue on AWS: SQS, which triggers the Lambda handlers (src/compute/lambda.ts). A job is one message whose
// body is `{ id, type, payload }`; retries and dead letters are SQS's redrive policy (maxReceiveCount → DLQ),
// configured in infra/. Standard queues deliver at least once, so handlers stay idempotent; `dedupeKey` becomes
// the message's job id, which handlers deduplicate on.
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { currentTraceparent, tracing } from '../../monitoring/tracing.ts';
import type { Config } from '../../config/env.ts';
import type { EnqueueOptions, JobQueue, QueueDepth } from './queue.ts';

export interface SqsQueueOptions {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl?: string;
  readonly client: SQSClient;
  /**
   * Job types sent to another queue (and so to another function): on AWS the asset jobs go to a function with
   * Chromium and more memory, the rest to a small one. Unlisted types go to `queueUrl`.
   */
  readonly routes?: readonly SqsRoute[];
}

export interface SqsRoute {
  readonly types: readonly string[];
  readonly queueUrl: string;
  readonly deadLetterQueueUrl?: string;
}

/** SQS caps a message at 256 KiB and a delay at 15 minutes. */
const MAX_BODY_BYTES = 256 * 1024;
const MAX_DELAY_S = 900;

export class SqsQueue implements JobQueue {
  constructor(private readonly opts: SqsQueueOptions) {
    tracing()?.instrumentAwsClient(opts.client, 'SQS');
  }

  async enqueue(type: string, payload: unknown, opts: EnqueueOptions = {}): Promise<{ id: string; duplicate: boolean }> {
    if (typeof type !== 'string' || type === '') throw new TypeError('queue: job type must be a non-empty string');
    const id = opts.dedupeKey ?? randomUUID();
    const body = JSON.stringify({ id, type, payload });
    if (body === undefined) throw new TypeError('queue: payload is not JSON-serialisable');
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new RangeError(`queue: a ${type} job is larger than SQS's 256 KiB; store the data and send its key`);
    // Trace context as a message attribute (beside the body, as for the jobs table): the Lambda's span continues it.
    const traceparent = opts.traceparent ?? currentTraceparent();
    await this.opts.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueFor(type),
        MessageBody: body,
        DelaySeconds: Math.min(MAX_DELAY_S, Math.ceil((opts.delayMs ?? 0) / 1000)),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: type },
          ...(traceparent ? { traceparent: { DataType: 'String', StringValue: traceparent } } : {}),
        },
      }),
    );
    // SQS cannot tell whether a standard queue already holds this job: duplicates are dropped by the handler.
    return { id, duplicate: false };
  }

  private queueFor(type: string): string {
    return this.opts.routes?.find((r) => r.types.includes(type))?.queueUrl ?? this.opts.queueUrl;
  }

  /** Summed over every queue this adapter sends to. */
  async depth(): Promise<QueueDepth> {
    const attrs = async (url: string) =>
      (
        await this.opts.client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
        )
      ).Attributes ?? {};
    const n = (v: string | undefined): number => Number(v ?? 0) || 0;
    const queues = [{ queueUrl: this.opts.queueUrl, deadLetterQueueUrl: this.opts.deadLetterQueueUrl }, ...(this.opts.routes ?? [])];
    let queued = 0;
    let running = 0;
    let dead = 0;
    for (const q of queues) {
      const main = await attrs(q.queueUrl);
      queued += n(main.ApproximateNumberOfMessages) + n(main.ApproximateNumberOfMessagesDelayed);
      running += n(main.ApproximateNumberOfMessagesNotVisible);
      if (q.deadLetterQueueUrl) dead += n((await attrs(q.deadLetterQueueUrl)).ApproximateNumberOfMessages);
    }
    return {
      queued,
      running,
      dead,
      // SQS reports the oldest message's age only as a CloudWatch metric (ApproximateAgeOfOldestMessage).
      oldestQueuedAgeMs: null,
    };
  }
}

/** The queue the configuration names (QUEUE=sqs): asset jobs to their own queue when SQS_ASSETS_QUEUE_URL is set. */
export function sqsQueueFromConfig(
  config: Pick<Config, 'SQS_QUEUE_URL' | 'SQS_DLQ_URL' | 'SQS_ASSETS_QUEUE_URL' | 'SQS_ASSETS_DLQ_URL' | 'AWS_REGION'>,
  assetJobTypes: readonly string[],
  client: SQSClient = new SQSClient({ region: config.AWS_REGION }),
): SqsQueue {
  if (!config.SQS_QUEUE_URL) throw new Error('SQS_QUEUE_URL: required when QUEUE=sqs');
  return new SqsQueue({
    queueUrl: config.SQS_QUEUE_URL,
    deadLetterQueueUrl: config.SQS_DLQ_URL,
    client,
    routes: config.SQS_ASSETS_QUEUE_URL ? [{ types: assetJobTypes, queueUrl: config.SQS_ASSETS_QUEUE_URL, deadLetterQueueUrl: config.SQS_ASSETS_DLQ_URL }] : [],
  });
}
