// The queue on AWS: SQS, which triggers the Lambda handlers (src/compute/lambda.ts). A job is one message whose
// body is `{ id, type, payload }`; retries and dead letters are SQS's redrive policy (maxReceiveCount → DLQ),
// configured in infra/. Standard queues deliver at least once, so handlers stay idempotent; `dedupeKey` becomes
// the message's job id, which handlers deduplicate on.
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { currentTraceparent, tracing } from '../../monitoring/tracing.ts';
import type { EnqueueOptions, JobQueue, QueueDepth } from './queue.ts';

export interface SqsQueueOptions {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl?: string;
  readonly client: SQSClient;
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
        QueueUrl: this.opts.queueUrl,
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

  async depth(): Promise<QueueDepth> {
    const attrs = async (url: string) =>
      (
        await this.opts.client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
        )
      ).Attributes ?? {};
    const main = await attrs(this.opts.queueUrl);
    const dead = this.opts.deadLetterQueueUrl ? await attrs(this.opts.deadLetterQueueUrl) : {};
    const n = (v: string | undefined): number => Number(v ?? 0) || 0;
    return {
      queued: n(main.ApproximateNumberOfMessages) + n(main.ApproximateNumberOfMessagesDelayed),
      running: n(main.ApproximateNumberOfMessagesNotVisible),
      dead: n(dead.ApproximateNumberOfMessages),
      // SQS reports the oldest message's age only as a CloudWatch metric (ApproximateAgeOfOldestMessage).
      oldestQueuedAgeMs: null,
    };
  }
}
