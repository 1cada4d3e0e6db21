// Picks the mail adapter from the configuration (called by the composition root only).
import type { Kysely } from 'kysely';
import type { Config } from '../../config/env.ts';
import type { Database } from '../../databases/relational/database.ts';
import { DevMailbox } from './dev-mailbox.ts';
import type { Mailer } from './mailer.ts';
import { SmtpMailer } from './smtp-mailer.ts';

export function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>, db: Kysely<Database>): Mailer {
  return config.SMTP_URL ? new SmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM }) : new DevMailbox(db, config.MAIL_FROM);
}
