// The outbox relay on a real database (PGlite), and the SQS adapter at the SDK boundary: no SQS-compatible
// server can be installed on these machines, so the test captures the commands the SDK would send (their
// inputs are the contract with SQS) and feeds back SQS-shaped answers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PgQueue } from '../../src/compute/queue/pg-queue.ts';
import { relayOutbox } from '../../src/compute/queue/outbox-relay.ts';
import type { EnqueueOptions, JobQueue } from '../../src/compute/queue/queue.ts';
import { SqsQueue, sqsQueueFromConfig } from '../../src/compute/queue/sqs-queue.ts';
import { ASSET_JOB_TYPES } from '../../src/compute/handlers/job-types.ts';
import { openInMemoryRelational, type Relational } from '../../src/databases/relational/index.ts';

let relational: Relational;
before(async () => {
  relational = await openInMemoryRelational();
});
after(async () => {
  await relational?.close();
});

describe('outbox relay', () => {
  it('hands every committed event to the queue exactly once, even if it dies between enqueue and mark', async () => {
    const db = relational.db;
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await db.insertInto('outbox').values({ id, topic: 'order.placed', payload: JSON.stringify({ orderId: id }) }).execute();
    const queue = new PgQueue(relational);

    // A relay whose process dies right after the queue accepted the first event (before marking it published).
    const dying: JobQueue = {
      enqueue: async (type: string, payload: unknown, opts?: EnqueueOptions) => {
        await queue.enqueue(type, payload, opts);
        throw new Error('killed');
      },
      depth: () => queue.depth(),
    };
    await assert.rejects(relayOutbox(db, dying), /killed/);

    assert.equal(await relayOutbox(db, queue), 3);
    assert.equal(await relayOutbox(db, queue), 0, 'nothing left to relay');
    const jobs = await db.selectFrom('jobs').select(['type', 'payload', 'dedupe_key']).execute();
    assert.equal(jobs.length, 3, 'one job per event, the half-relayed one included once');
    assert.deepEqual(new Set(jobs.map((j) => (j.payload as { orderId: string }).orderId)), new Set(ids));
  });
});

describe('SQS queue adapter (at the SDK boundary)', () => {
  function capturingClient(answers: Record<string, unknown>) {
    const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const sent: { command: string; input: Record<string, unknown> }[] = [];
    client.middlewareStack.add(
      (_next, context) => async (args) => {
        sent.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
        return { output: { $metadata: {}, ...(answers[String(context.commandName)] as object) }, response: {} };
      },
      { step: 'initialize', name: 'capture' },
    );
    return { client, sent };
  }

  it('sends one message per job with its type, id and delay', async () => {
    const { client, sent } = capturingClient({ SendMessageCommand: { MessageId: 'm-1' } });
    const q = new SqsQueue({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/vitrine-jobs', client });
    const r = await q.enqueue('order.placed', { orderId: 'o1' }, { dedupeKey: 'outbox:abc', delayMs: 1500 });
    assert.equal(r.id, 'outbox:abc');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.command, 'SendMessageCommand');
    const input = sent[0]!.input;
    assert.equal(input.QueueUrl, 'https://sqs.us-east-1.amazonaws.com/123456789012/vitrine-jobs');
    assert.deepEqual(JSON.parse(String(input.MessageBody)), { id: 'outbox:abc', type: 'order.placed', payload: { orderId: 'o1' } });
    assert.equal(input.DelaySeconds, 2);
    assert.deepEqual(input.MessageAttributes, { type: { DataType: 'String', StringValue: 'order.placed' } });
    await assert.rejects(q.enqueue('big', { blob: 'x'.repeat(300 * 1024) }), /larger than SQS's 256 KiB/);
  });

  it('reports depth from the queue and its dead-letter queue', async () => {
    const { client, sent } = capturingClient({
      GetQueueAttributesCommand: { Attributes: { ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '2', ApproximateNumberOfMessagesDelayed: '1' } },
    });
    const q = new SqsQueue({ queueUrl: 'https://q/main', deadLetterQueueUrl: 'https://q/dlq', client });
    const d = await q.depth();
    assert.deepEqual(d, { queued: 8, running: 2, dead: 7, oldestQueuedAgeMs: null });
    assert.deepEqual(sent.map((s) => s.input.QueueUrl), ['https://q/main', 'https://q/dlq']);
  });

  it('sends asset jobs to the assets queue when one is configured, everything else to the main queue', async () => {
    const { client, sent } = capturingClient({
      SendMessageCommand: { MessageId: 'm' },
      GetQueueAttributesCommand: { Attributes: { ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' } },
    });
    const config = {
      AWS_REGION: 'us-east-1',
      SQS_QUEUE_URL: 'https://q/jobs', SQS_DLQ_URL: 'https://q/jobs-dlq',
      SQS_ASSETS_QUEUE_URL: 'https://q/assets', SQS_ASSETS_DLQ_URL: 'https://q/assets-dlq',
    };
    const q = sqsQueueFromConfig(config, ASSET_JOB_TYPES, client);
    await q.enqueue('asset.process', { assetId: 'a1' });
    await q.enqueue('asset.inspect', { assetId: 'a1' });
    await q.enqueue('mail.send', { to: 'x' });
    assert.deepEqual(sent.map((s) => s.input.QueueUrl), ['https://q/assets', 'https://q/assets', 'https://q/jobs']);

    sent.length = 0;
    const d = await q.depth();
    assert.deepEqual(sent.map((s) => s.input.QueueUrl), ['https://q/jobs', 'https://q/jobs-dlq', 'https://q/assets', 'https://q/assets-dlq']);
    assert.deepEqual(d, { queued: 2, running: 0, dead: 2, oldestQueuedAgeMs: null }, 'summed over both queues');

    // Without an assets queue every job goes to the main one (one function runs them all).
    sent.length = 0;
    await sqsQueueFromConfig({ ...config, SQS_ASSETS_QUEUE_URL: undefined }, ASSET_JOB_TYPES, client).enqueue('asset.process', {});
    assert.deepEqual(sent.map((s) => s.input.QueueUrl), ['https://q/jobs']);
  });
});
