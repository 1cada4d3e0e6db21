// How far V8 lets the old generation grow past what survived the last full collection. V8's own factor goes up to
// 4× on a small heap: an API with ~36 MB live (the Postgres profile's) let garbage reach ~100 MB before collecting,
// so its RSS rose from ~130 to 175-210 MB in its first minute under load and fell back later. A fixed 1.3× collects
// sooner: RSS stayed at 140-144 MB through the same load, at the same request rates (docs/performance.md, API memory).
// The limit still follows the live heap, so a 100,000-product catalog (~1 GB live) gets room in proportion.
import v8 from 'node:v8';

/** Sets V8's heap growing factor to 1 + percent/100 for this process; 0 keeps V8's own dynamic factor. */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
