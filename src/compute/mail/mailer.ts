// The mail port. Mail is sent by the `mail.send` job (handlers/send-mail.ts), never inside a request, through one of
// two adapters picked by the composition root: `smtp-mailer.ts` (SMTP_URL set: any SMTP server, Amazon SES's
// included) or `dev-mailbox.ts` (the one-machine default: messages kept in Postgres for admins to read).
import { createHash } from 'node:crypto';

export interface MailMessage {
  /** One recipient address. */
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

export interface Mailer {
  /** Names the adapter in logs and in the delivery log ('smtp', 'dev-mailbox'). */
  readonly transport: string;
  /**
   * Hands one message to the transport. `key` names the message for its whole life: the adapters derive the
   * Message-ID from it, so a message sent twice (a crash between sending and recording) is recognisably one.
   */
  send(key: string, message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** Which messages went out, so that a retried job does not send its message again. */
export interface MailLog {
  wasSent(key: string): Promise<boolean>;
  recordSent(key: string, transport: string): Promise<void>;
}

/** A stable RFC 5322 Message-ID for a message key: the same key always gives the same id. */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? 'vitrine.localhost';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}
