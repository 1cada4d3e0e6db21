// The audit log's reads and writes. An entry is written with the change it records (pass the transaction), so the
// log and the data can never disagree; entries are only ever appended.
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

type Db = Kysely<Database>;

/** Who did it: a staff account, or an operator at the command line (`actor.id` null, email "cli:<user>"). */
export interface Actor {
  readonly id: string | null;
  readonly email: string;
  /** The HTTP request that did it, to join the access log. */
  readonly requestId?: string;
}

export interface AuditEntry {
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface AuditRecord extends AuditEntry {
  readonly id: number;
  readonly at: Date;
  readonly actor: Actor;
}

export async function recordAudit(db: Db, actor: Actor, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: actor.id,
      actor_email: actor.email,
      action: e.action,
      target_type: e.target.type,
      target_id: e.target.id,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      request_id: actor.requestId ?? null,
    })
    .execute();
}

export interface AuditQuery {
  readonly actorEmail?: string;
  readonly action?: string;
  readonly target?: { readonly type: string; readonly id: string };
  /** Keyset cursor: entries older than this id. */
  readonly before?: number;
  readonly limit: number;
}

/** Newest first, a page at a time. */
export async function listAudit(db: Db, q: AuditQuery): Promise<{ items: AuditRecord[]; nextBefore: number | null }> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (q.actorEmail) query = query.where('actor_email', '=', q.actorEmail);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.target) query = query.where('target_type', '=', q.target.type).where('target_id', '=', q.target.id);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at,
      actor: { id: r.actor_id, email: r.actor_email, ...(r.request_id ? { requestId: r.request_id } : {}) },
      action: r.action,
      target: { type: r.target_type, id: r.target_id },
      before: r.before ?? undefined,
      after: r.after ?? undefined,
    })),
    nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}
