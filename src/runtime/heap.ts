// How far V8 lets the old generation grow past what survived the last full collection. V8's own factor goes up to
// 4× on a small heap: an API with ~36 MB live (the Postgres profile's) let garbage reach ~100 MB before collecting,
// so its RSS rose from ~130 to 175-210 MB in its first minute under load and fell back later. A fixed 1.3× collects
// sooner: RSS stayed at 140-150 MB through the same load, at the same request rates. On a big heap the trade turns:
// at 100,000 products (~1 GB live) the fixed factor meant more full collections of that gigabyte, and by-slug p99
// went from 26-42 to 35-146 ms. So the cap holds only while the heap is small; past LIFT_ABOVE_BYTES in use it is
// lifted for good and V8 sizes the heap itself. (docs/performance.md, "API memory")
import v8 from 'node:v8';

/** Heap in use past which the cap is lifted: well above a small API's ~40 MB live, well below a big catalog's. */
export const LIFT_ABOVE_BYTES = 256 * 1024 * 1024;

/** What the cap reads and sets: V8 itself, unless a test watches. */
export interface HeapControls {
  readonly liftAboveBytes?: number;
  readonly everyMs?: number;
  readonly setFlags?: (flags: string) => void;
}

/**
 * Sets V8's heap growing factor to 1 + percent/100 for this process while its heap is small; 0 keeps V8's own
 * dynamic factor. Checked every few seconds on a timer that does not hold the process open.
 */
export function limitHeapGrowth(percent: number, { liftAboveBytes = LIFT_ABOVE_BYTES, everyMs = 5000, setFlags = (f) => v8.setFlagsFromString(f) }: HeapControls = {}): void {
  if (percent <= 0) return;
  setFlags(`--heap-growing-percent=${percent}`);
  const timer = setInterval(() => {
    if (v8.getHeapStatistics().used_heap_size < liftAboveBytes) return;
    setFlags('--heap-growing-percent=0'); // 0: V8's own factor again
    clearInterval(timer);
  }, everyMs);
  timer.unref();
}
