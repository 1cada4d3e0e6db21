// The mail port's one-machine default: with no SMTP_URL, "sent" mail is kept in the Postgres table `dev_mailbox`,
// where admins read it (GET /api/admin/mailbox) — the password-reset link of a local shop is one click away, and
// nothing leaves the machine. Exactly once per message key: a retried send inserts nothing.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../databases/relational/database.ts';
import type { MailMessage, Mailer } from './mailer.ts';

export interface StoredMail {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
  readonly createdAt: Date;
}

export class DevMailbox implements Mailer {
  readonly transport = 'dev-mailbox';

  constructor(
    private readonly db: Kysely<Database>,
    private readonly from: string,
  ) {}

  async send(key: string, m: MailMessage): Promise<void> {
    await this.db
      .insertInto('dev_mailbox')
      .values({ id: randomUUID(), message_key: key, sender: this.from, recipient: m.to, subject: m.subject, text_body: m.text, html_body: m.html ?? null })
      .onConflict((oc) => oc.column('message_key').doNothing())
      .execute();
  }

  async close(): Promise<void> {}
}

/** The newest messages first, optionally only those to one address. */
export async function readDevMailbox(db: Kysely<Database>, q: { limit: number; to?: string }): Promise<StoredMail[]> {
  let query = db.selectFrom('dev_mailbox').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit);
  if (q.to !== undefined) query = query.where('recipient', '=', q.to);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, from: r.sender, to: r.recipient, subject: r.subject, text: r.text_body, html: r.html_body, createdAt: r.created_at }));
}
