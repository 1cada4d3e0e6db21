// One place turns every failure into `{ error: { code, message } }` with the right status. Clients get coded,
// actionable errors; a 5xx body never carries internals (they go to the log with the request id).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { OrderStateError } from '../../domain/order.ts';
import { isDatabaseUnavailable } from '../../databases/relational/unavailable.ts';
import { ObjectStoreError } from '../../storage/object-store.ts';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** More for the client to act on, sent beside code and message (the fields at fault, the current version). */
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }
}

/** One invalid field: its dotted path in the request ("variants.0.price") and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorDetails {
  fields?: FieldProblem[];
  /** A stale edit (409): the version stored now, to reload before trying again. */
  currentVersion?: number;
}

/** 400 with every problem at its field, and the same problems in the message ("field: problem; …") for people. */
export function invalidFields(fields: FieldProblem[], where = 'body'): HttpError {
  return new HttpError(400, 'INVALID_REQUEST', `Invalid ${where}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, { fields });
}

/** Seconds a client is told to wait before retrying while a store is down: short, a restart takes seconds. */
export const RETRY_AFTER_SECONDS = 2;

export const notFound = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);

export interface ErrorBody {
  error: { code: string; message: string; requestId?: string; currentStatus?: string } & ErrorDetails;
}

/** Domain and adapter errors that carry a code the caller can act on, mapped to HTTP statuses. */
const CODE_STATUS: Record<string, number> = {
  INVALID_REQUEST: 400,
  INVALID_CURSOR: 400,
  INVALID_DATA: 400,
  INVALID_MONEY: 400,
  INVALID_KEY: 400,
  INVALID_RANGE: 416,
  NOT_FOUND: 404,
  CONFLICT: 409,
  OUT_OF_STOCK: 409,
  UNAVAILABLE: 409,
  PAYMENT_GATEWAY_UNAVAILABLE: 502,
};

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'request';
    const fields = err.validation.map((v) => ({ field: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || where, message: String(v.message) }));
    void reply.status(400).send(httpErrorBody(invalidFields(fields, where)));
    return;
  }
  if (err instanceof HttpError) {
    void reply.status(err.statusCode).send(httpErrorBody(err));
    return;
  }
  // A store that is down or full is not the request's fault and not a bug: say which, and when to come back.
  // Checked before the codes below: a storage outage carries the code UNAVAILABLE, which alone means a 409.
  if (err instanceof ObjectStoreError && err.code === 'UNAVAILABLE') {
    req.log.warn({ err }, 'object storage unavailable');
    const full = storageErrno(err) === 'ENOSPC' || storageErrno(err) === 'EDQUOT';
    void reply
      .status(full ? 507 : 503)
      .header('retry-after', String(full ? 60 : RETRY_AFTER_SECONDS))
      .send(
        full
          ? body('STORAGE_FULL', 'The file storage is full: nothing was stored. The operator has to free space; then retry.')
          : body('STORAGE_UNAVAILABLE', 'The file storage cannot be written or reached right now: nothing was stored. Retry in a moment.'),
      );
    return;
  }
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ err }, 'database unavailable');
    void reply
      .status(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send(body('DATABASE_UNAVAILABLE', 'The database cannot be reached right now. Retry in a moment (a checkout with the same Idempotency-Key).'));
    return;
  }
  const code = (err as { code?: unknown }).code;
  // 53100 disk_full: the database's disk (PGlite's data folder, or the server's) has no room for this write.
  if (code === '53100') {
    req.log.error({ err }, 'database disk full');
    void reply
      .status(507)
      .header('retry-after', '60')
      .send(body('DATABASE_FULL', "The database's disk is full: nothing was saved. The operator has to free space; then retry."));
    return;
  }
  // Postgres refusing text it cannot store (a NUL byte, an invalid sequence) is the request's fault, not ours.
  if (code === '22021' || code === '22P05') {
    void reply.status(400).send(body('INVALID_REQUEST', 'The request contains characters that cannot be stored (such as a NUL byte)'));
    return;
  }
  if (typeof code === 'string' && CODE_STATUS[code]) {
    const b = body(code, err.message);
    // An illegal order move says where the order is now, so the client can show it without another request.
    if (err instanceof OrderStateError) b.error.currentStatus = err.currentStatus;
    void reply.status(CODE_STATUS[code]).send(b);
    return;
  }
  // Fastify's own client errors (malformed JSON, body too large, unsupported media type...).
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const fcode = typeof code === 'string' ? code.replace(/^FST_ERR_/, '') : 'BAD_REQUEST';
    void reply.status(status).send(body(fcode, err.message));
    return;
  }
  req.log.error({ err }, 'unhandled error');
  void reply.status(500).send(body('INTERNAL', `Something went wrong on our side; quote request id ${req.id} when reporting it`));
}

function httpErrorBody(err: HttpError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...err.details } };
}

export function body(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** The system error code (ENOSPC, EROFS…) under a storage error, when a file system refused. */
function storageErrno(err: Error): string | undefined {
  const cause = (err as { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
