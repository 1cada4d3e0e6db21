// The dashboard's one request, GET /api/admin/dashboard?range= (src/compute/api/routes/admin-dashboard.ts): its
// shape lives here, beside the page, so the shoppers' bundle never carries it.
import { getJson } from '../../api.ts';

export const RANGES = ['7d', '30d', '90d'] as const;
export type DashboardRange = (typeof RANGES)[number];

export interface Dashboard {
  readonly range: DashboardRange;
  readonly from: string;
  readonly to: string;
  /** Every amount is in minor units of this currency. */
  readonly currency: string;
  readonly sales: readonly { readonly day: string; readonly orders: number; readonly revenue: number }[];
  readonly totals: { readonly orders: number; readonly revenue: number };
  readonly topProducts: readonly { readonly productId: string; readonly title: string; readonly units: number; readonly revenue: number }[];
  readonly funnel: { readonly views: number; readonly carts: number; readonly orders: number };
  readonly assets: { readonly processed: number; readonly unmeasured: number; readonly sourceBytes: number; readonly optimizedBytes: number };
}

export const getDashboard = (range: DashboardRange, signal?: AbortSignal): Promise<Dashboard> => getJson(`/api/admin/dashboard?range=${range}`, signal);
