// Conditional and partial GETs (RFC 9110 §13, §14): what a CDN and a browser need from the origin to avoid
// resending bytes (304) and to stream large models and video in pieces (206). Pure functions: no I/O.
import type { ByteRange } from '../storage/object-store.ts';

/** Formats a strong entity tag from an opaque validator. */
export function strongEtag(validator: string): string {
  return `"${validator.replace(/"/g, '')}"`;
}

/** True when the request's If-None-Match matches the ETag (weak comparison, as §13.1.2 requires for GET). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable' };

/**
 * Decides how to answer a Range header for a representation of `size` bytes. Only single ranges are served;
 * a multi-range request gets the full body (allowed by §14.2). If-Range must match the strong ETag exactly,
 * otherwise the whole (changed) object is sent.
 */
export function decideRange(rangeHeader: string | undefined, ifRange: string | undefined, size: number, etag: string): RangeDecision {
  if (!rangeHeader) return { kind: 'full' };
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim());
  if (!m) return { kind: 'full' }; // unknown unit or several ranges: ignore the header
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'full' };
  if (size === 0) return { kind: 'unsatisfiable' };
  let start: number;
  let end: number;
  if (a === '') {
    // suffix range: the last N bytes
    const n = Number(b);
    if (n === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (start >= size) return { kind: 'unsatisfiable' };
    if (end < start) return { kind: 'full' }; // syntactically invalid: ignore per §14.2
  }
  return { kind: 'partial', range: { start, end } };
}
