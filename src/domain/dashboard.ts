// The merchant's dashboard, its pure parts: which days a range covers (UTC days, today included) and the daily
// series with the days nothing happened filled in as zeros, so a chart's x axis is every day of the range.

/** The ranges the dashboard offers, in days. */
export const DASHBOARD_RANGES = { '7d': 7, '30d': 30, '90d': 90 } as const;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;

export interface DayWindow {
  /** Midnight UTC of the first day: orders and cart lines at or after it count. */
  readonly from: Date;
  /** Every day of the window, oldest first, as 'YYYY-MM-DD' (UTC). */
  readonly days: readonly string[];
}

const DAY_MS = 86_400_000;

/** The last `count` UTC days up to and including `now`'s. */
export function dayWindow(count: number, now: Date): DayWindow {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`dayWindow: count must be a positive integer, got ${count}`);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) days.push(new Date(today - i * DAY_MS).toISOString().slice(0, 10));
  return { from: new Date(today - (count - 1) * DAY_MS), days };
}

export interface DailySales {
  readonly day: string;
  readonly orders: number;
  /** Minor units of the store currency, net of refunds. */
  readonly revenue: number;
}

/** One entry per day of the window (zeros where no row), oldest first; rows outside the window are ignored. */
export function fillDays(window: DayWindow, rows: readonly DailySales[]): DailySales[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return window.days.map((day) => byDay.get(day) ?? { day, orders: 0, revenue: 0 });
}

/** What the asset pipeline saved: the merchants' files against what the storefront serves. */
export interface AssetSavings {
  /** Ready assets the pipeline processed (their report has the sizes before and after). */
  readonly processed: number;
  /** Ready assets with no pipeline report (the generated demo models): not counted in the bytes. */
  readonly unmeasured: number;
  readonly sourceBytes: number;
  readonly optimizedBytes: number;
}

/** Sums over ready assets: the source's size from the pipeline's report, the served file's from the asset. */
export function assetSavings(
  assets: Iterable<{ readonly status: string; readonly bytes?: number; readonly report?: { readonly optimisation?: { readonly bytesBefore: number; readonly bytesAfter: number } } }>,
): AssetSavings {
  let processed = 0;
  let unmeasured = 0;
  let sourceBytes = 0;
  let optimizedBytes = 0;
  for (const a of assets) {
    if (a.status !== 'ready') continue;
    const o = a.report?.optimisation;
    if (!o) {
      unmeasured++;
      continue;
    }
    processed++;
    sourceBytes += o.bytesBefore;
    // `bytes` is the published file (the original when no smaller one passed); bytesAfter the optimiser's result.
    optimizedBytes += a.bytes ?? o.bytesAfter;
  }
  return { processed, unmeasured, sourceBytes, optimizedBytes };
}
