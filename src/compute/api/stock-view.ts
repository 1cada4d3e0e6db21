// Stock per variant as shoppers see it on product pages: an in-memory copy of Postgres's inventory table, kept
// fresh by polling rows changed since the last poll (the query re-reads a small window for late commits).
// Display only: taking stock at checkout is always an atomic UPDATE in Postgres, never this copy.
import type { Kysely } from 'kysely';
import type { Database } from '../../databases/relational/database.ts';
import { stockChangedSince } from '../../databases/relational/inventory.ts';
import type { StockReader } from './ports.ts';

export class StockView implements StockReader {
  private readonly onHandByVariant = new Map<string, number>();
  private since: Date | null = null;
  private timer: NodeJS.Timeout | undefined;
  lastRefreshOk = false;
  private gen = 0;

  /** Changes whenever a count changes (cached product responses depend on it). */
  get generation(): number {
    return this.gen;
  }

  constructor(
    private readonly db: Kysely<Database>,
    private readonly refreshMs: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  private polling = false;

  async refresh(): Promise<void> {
    if (this.polling) return; // a slow poll is not overlapped by the next tick
    this.polling = true;
    try {
      await this.poll();
    } catch (err) {
      this.lastRefreshOk = false;
      this.onError(err);
    } finally {
      this.polling = false;
    }
  }

  private async poll(): Promise<void> {
    const { rows, nextSince } = await stockChangedSince(this.db, this.since);
    for (const row of rows) {
      if (this.onHandByVariant.get(row.variantId) !== row.onHand) this.gen++;
      this.onHandByVariant.set(row.variantId, row.onHand);
    }
    this.since = nextSince;
    this.lastRefreshOk = true;
  }

  onHand(variantId: string): number {
    return this.onHandByVariant.get(variantId) ?? 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
