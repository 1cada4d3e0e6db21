// The design's Lambda: job handlers behind SQS. An SQS event carries a batch of records; each record's body is a
// job `{ id, type, payload }`. Failures are reported per record (ReportBatchItemFailures) so one poison message
// does not make the whole batch run again; SQS's redrive policy moves it to the DLQ after maxReceiveCount.
import type { JobHandlers } from './queue/queue.ts';

/** The parts of the SQS event Lambda passes in that the adapter reads (aws-lambda's SQSEvent shape). */
export interface SqsEvent {
  Records: {
    messageId: string;
    body: string;
    attributes: { ApproximateReceiveCount: string };
    /** `traceparent`: set by SqsQueue when the enqueuer was traced (src/monitoring/tracing.ts). */
    messageAttributes?: Record<string, { stringValue?: string } | undefined>;
  }[];
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** `maxReceiveCount`: the queue's redrive setting (infra/ sets 5), so a handler knows its last attempt. */
export function sqsHandler(handlers: JobHandlers, onError: (err: unknown, messageId: string) => void = () => {}, maxReceiveCount = 5) {
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        const msg = JSON.parse(record.body) as { id?: unknown; type?: unknown; payload?: unknown };
        if (typeof msg.type !== 'string' || typeof msg.id !== 'string') throw new Error('lambda: record body is not a job { id, type, payload }');
        const handler = handlers[msg.type];
        if (!handler) throw new Error(`lambda: no handler for job type ${msg.type}`);
        // `never` payload: each handler checks its own payload (see JobHandlers).
        const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
        const traceparent = record.messageAttributes?.traceparent?.stringValue;
        await handler({ id: msg.id, type: msg.type, payload: msg.payload as never, attempt, lastAttempt: attempt >= maxReceiveCount, ...(traceparent ? { traceparent } : {}) });
      } catch (err) {
        onError(err, record.messageId);
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
