// Whether an error means "the database could not be reached or went away" (a restart, a failover, a network cut)
// rather than "this statement is wrong". Such errors are worth retrying: the API answers them with 503
// DATABASE_UNAVAILABLE and Retry-After (compute/api/errors.ts), and the worker keeps a job's outcome to record it
// once the database is back instead of losing it (compute/queue/pg-queue.ts).

/** Socket errors from connecting to or talking with the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going away or not taking connections: 57P01 admin_shutdown (a fast stop), 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down, in recovery), 53300 too_many_connections,
 * and class 08, connection exceptions.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres says when the connection dies under a query, or the pool cannot get one. */
const MESSAGES = [/connection terminated/i, /connection error and is not queryable/i, /timeout exceeded when trying to connect/i, /server closed the connection unexpectedly/i];

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  // Node wraps the attempts at several addresses (127.0.0.1 and ::1) in an AggregateError; libraries wrap in `cause`.
  // An error with a code of its own (PAYMENT_GATEWAY_UNAVAILABLE, a storage error) has said what it is: its cause
  // may be a refused connection to another service, which is not the database.
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  if (typeof code === 'string') return false;
  return isDatabaseUnavailable((err as { cause?: unknown }).cause, depth + 1);
}
