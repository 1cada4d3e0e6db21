// The delivery log on Postgres (`mail_log`): which message keys a transport has accepted.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../databases/relational/database.ts';
import type { MailLog } from './mailer.ts';

export function pgMailLog(db: Kysely<Database>): MailLog {
  return {
    async wasSent(key) {
      return (await db.selectFrom('mail_log').select('message_key').where('message_key', '=', key).executeTakeFirst()) !== undefined;
    },
    async recordSent(key, transport) {
      await db.insertInto('mail_log').values({ message_key: key, transport, sent_at: sql<Date>`now()` }).onConflict((oc) => oc.column('message_key').doNothing()).execute();
    },
  };
}
