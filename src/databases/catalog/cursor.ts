// Opaque pagination cursors shared by the DynamoDB adapter and the in-memory read model: base64url of a small JSON
// document. Clients must treat them as opaque; anything that does not decode to the expected shape is refused with
// InvalidCursorError (an API maps its code to 400), never passed on to a store.

export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
}

const MAX_CURSOR_LENGTH = 2048;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor to plain JSON; the caller checks the shape. Throws InvalidCursorError for anything undecodable. */
export function decodeCursor(cursor: string, module: string): unknown {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError(`${module}: invalid cursor`);
  }
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new InvalidCursorError(`${module}: invalid cursor`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
