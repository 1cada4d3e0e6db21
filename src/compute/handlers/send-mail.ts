// Job `mail.send`: hands one rendered message to the mail transport. Idempotent by its message key (also the job's
// dedupe key): enqueueing the same key twice makes one job, and a job run again after its message went out (a
// crash before the queue recorded success) finds the key in the delivery log and sends nothing. The one gap no
// SMTP client can close — a crash between the server accepting the message and the log write — sends the message
// twice with the same Message-ID, which mail clients show once.
import { z } from 'zod';
import type { MailLog, Mailer } from '../mail/mailer.ts';
import type { RenderedMail } from '../mail/templates/layout.ts';
import type { Job, JobQueue } from '../queue/queue.ts';

export const MAIL_SEND = 'mail.send';

const Payload = z.object({
  key: z.string().min(1).max(200),
  to: z.string().min(3).max(254),
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(100_000),
  html: z.string().max(200_000).optional(),
});
export type MailSendPayload = z.infer<typeof Payload>;

/** Optional so that workers that never send mail need not build a mailer; without one a job fails saying so. */
export interface SendMailDeps {
  readonly mailer?: Mailer;
  readonly mailLog?: MailLog;
}

export function sendMailHandler(deps: SendMailDeps) {
  return async (job: Job<MailSendPayload>): Promise<void> => {
    const { mailer, mailLog } = deps;
    if (!mailer || !mailLog) throw new Error(`${MAIL_SEND}: this worker was started without a mailer (the composition root passes one)`);
    const parsed = Payload.safeParse(job.payload);
    if (!parsed.success) throw new Error(`${MAIL_SEND}: bad payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { key, ...message } = parsed.data;
    if (await mailLog.wasSent(key)) return;
    await mailer.send(key, message);
    await mailLog.recordSent(key, mailer.transport);
  };
}

/**
 * Enqueues a rendered message under `key` (e.g. `welcome:<account id>`): one job, and so one message, per key.
 * Returns whether this call created the job.
 */
export async function enqueueMail(queue: JobQueue, key: string, to: string, mail: RenderedMail): Promise<boolean> {
  const payload: MailSendPayload = { key, to, subject: mail.subject, text: mail.text, html: mail.html };
  const r = await queue.enqueue(MAIL_SEND, payload, { dedupeKey: `mail:${key}`, maxAttempts: 8 });
  return !r.duplicate;
}
