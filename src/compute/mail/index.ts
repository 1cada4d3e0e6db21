// Picks the mail adapter from the configuration (called by the composition root only).
import type { Kysely } from 'kysely';
import type { Config } from '../../config/env.ts';
import type { Database } from '../../databases/relational/database.ts';
import { DevMailbox } from './dev-mailbox.ts';
import type { Mailer } from './mailer.ts';

// nodemailer (about 10 MB resident) is imported only when SMTP_URL names a server.
export async function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>, db: Kysely<Database>): Promise<Mailer> {
  if (!config.SMTP_URL) return new DevMailbox(db, config.MAIL_FROM);
  const { SmtpMailer } = await import('./smtp-mailer.ts');
  return new SmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM });
}
