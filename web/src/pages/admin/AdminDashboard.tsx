// '/admin', the staff's landing page: sales over time (paid orders and revenue per day, net of refunds), the top
// products, the funnel from product views to carts to orders, and what the 3D pipeline saved, for the last 7, 30
// or 90 days (?range= in the URL). One request (GET /api/admin/dashboard). The charts are chart.js canvases in this
// lazy admin chunk; each has a one-line summary as its accessible name and its numbers as a table under it.
import { useEffect, useMemo, type ReactNode } from 'react';
import { isUnauthenticated } from '../../api.ts';
import { ErrorState, Loading } from '../../components/States.tsx';
import { formatMoney, fractionDigits } from '../../format.ts';
import { Link, useLocation, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';
import { Chart, type ChartConfig } from './Chart.tsx';
import { getDashboard, RANGES, type Dashboard, type DashboardRange } from './dashboard-api.ts';

const RANGE_LABEL: Record<DashboardRange, string> = { '7d': '7 days', '30d': '30 days', '90d': '90 days' };
// The shop's palette (styles.css): the accent for money, a lighter blue for counts.
const ACCENT = '#1f3a5f';
const LIGHT = '#8aa4c8';
const OK = '#1e6b3a';

export function AdminDashboard() {
  useTitle('Dashboard');
  const { search } = useLocation();
  const asked = new URLSearchParams(search).get('range');
  const range: DashboardRange = (RANGES as readonly string[]).includes(asked ?? '') ? (asked as DashboardRange) : '30d';
  const data = useAsync((signal) => getDashboard(range, signal), [range]);
  const failed = data.status === 'error' ? data.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);

  return (
    <>
      <AdminNav current="dashboard" />
      <h1>Dashboard</h1>
      <nav className="range-picker" aria-label="Period">
        <ul>
          {RANGES.map((r) => (
            <li key={r}>
              <Link href={r === '30d' ? '/admin' : `/admin?range=${r}`} className="chip" aria-current={r === range ? 'page' : undefined}>
                Last {RANGE_LABEL[r]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {data.status === 'loading' && <Loading label="Loading the dashboard…" />}
      {data.status === 'error' && <ErrorState error={data.error} onRetry={data.retry} />}
      {data.status === 'ready' && <DashboardView d={data.data} />}
    </>
  );
}

function DashboardView({ d }: { d: Dashboard }) {
  const locales = navigator.languages;
  const money = (amount: number): string => formatMoney({ amount, currency: d.currency }, locales);
  const count = (n: number): string => n.toLocaleString(locales);
  const percent = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toLocaleString(locales, { maximumFractionDigits: 1 })} %` : '—');
  const saved = d.assets.sourceBytes - d.assets.optimizedBytes;
  const days = d.sales.length;

  const salesChart = useMemo<ChartConfig>(
    () => ({
      type: 'bar',
      data: {
        labels: d.sales.map((s) => shortDay(s.day, locales)),
        datasets: [
          { type: 'bar', label: `Revenue (${d.currency})`, data: d.sales.map((s) => s.revenue / 10 ** fractionDigits(d.currency)), backgroundColor: ACCENT, yAxisID: 'y' },
          { type: 'line', label: 'Paid orders', data: d.sales.map((s) => s.orders), borderColor: LIGHT, backgroundColor: LIGHT, yAxisID: 'orders', pointRadius: 2 },
        ],
      },
      options: {
        scales: {
          y: { beginAtZero: true, position: 'left', title: { display: true, text: d.currency } },
          orders: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: 'Orders' } },
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    }),
    [d, locales],
  );
  const topChart = useMemo<ChartConfig>(
    () => ({
      type: 'bar',
      data: {
        labels: d.topProducts.map((p) => truncate(p.title, 24)),
        datasets: [{ label: `Revenue (${d.currency})`, data: d.topProducts.map((p) => p.revenue / 10 ** fractionDigits(d.currency)), backgroundColor: ACCENT }],
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true } }, plugins: { legend: { display: false } } },
    }),
    [d],
  );
  const funnelChart = useMemo<ChartConfig>(
    () => ({
      type: 'bar',
      data: {
        labels: ['Product views', 'Carts', 'Orders'],
        datasets: [{ label: 'Count', data: [d.funnel.views, d.funnel.carts, d.funnel.orders], backgroundColor: [LIGHT, ACCENT, OK] }],
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
    }),
    [d],
  );
  const bytesChart = useMemo<ChartConfig>(
    () => ({
      type: 'bar',
      data: {
        labels: ['Uploaded', 'Served'],
        datasets: [{ label: 'Megabytes', data: [d.assets.sourceBytes / 1e6, d.assets.optimizedBytes / 1e6], backgroundColor: [LIGHT, OK] }],
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: 'MB' } } }, plugins: { legend: { display: false } } },
    }),
    [d],
  );

  return (
    <>
      <p className="field-hint dashboard-period">
        {formatDay(d.from, locales)} to {formatDay(d.to, locales)} (UTC days). Sales are paid and fulfilled orders, net of refunds, in {d.currency}.
      </p>
      <dl className="stat-tiles" data-testid="dashboard-totals">
        <Stat label="Revenue" value={money(d.totals.revenue)} testId="total-revenue" />
        <Stat label="Paid orders" value={count(d.totals.orders)} testId="total-orders" />
        <Stat label="Views to orders" value={percent(d.funnel.orders, d.funnel.views)} testId="total-conversion" />
        <Stat label="3D bytes saved" value={d.assets.processed === 0 ? '—' : formatBytes(saved, locales)} testId="total-bytes-saved" />
      </dl>

      <div className="dashboard-grid">
        <ChartFigure
          id="sales"
          title="Sales over time"
          summary={`Revenue per day over the last ${days} days: ${money(d.totals.revenue)} from ${count(d.totals.orders)} paid orders in all.`}
          config={salesChart}
          table={
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col" className="num">Paid orders</th>
                  <th scope="col" className="num">Revenue</th>
                </tr>
              </thead>
              <tbody>
                {d.sales
                  .slice()
                  .reverse()
                  .map((s) => (
                    <tr key={s.day}>
                      <th scope="row">{formatDay(s.day, locales)}</th>
                      <td className="num">{count(s.orders)}</td>
                      <td className="num">{money(s.revenue)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          }
        />

        <ChartFigure
          id="top-products"
          title="Top products"
          summary={
            d.topProducts.length === 0
              ? 'No product sold in this period.'
              : `Best seller: ${d.topProducts[0]!.title}, ${money(d.topProducts[0]!.revenue)} from ${count(d.topProducts[0]!.units)} units.`
          }
          config={topChart}
          empty={d.topProducts.length === 0 ? 'No product sold in this period yet.' : undefined}
          table={
            <table className="table" data-testid="top-products">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" className="num">Units</th>
                  <th scope="col" className="num">Revenue</th>
                </tr>
              </thead>
              <tbody>
                {d.topProducts.map((p) => (
                  <tr key={p.productId}>
                    <th scope="row">
                      <Link href={`/admin/products/${encodeURIComponent(p.productId)}`}>{p.title}</Link>
                    </th>
                    <td className="num">{count(p.units)}</td>
                    <td className="num">{money(p.revenue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
          note="Revenue here is what the lines sold for; refunds are taken off per order, in the sales chart."
        />

        <ChartFigure
          id="funnel"
          title="From views to orders"
          summary={`${count(d.funnel.views)} product views, ${count(d.funnel.carts)} carts, ${count(d.funnel.orders)} paid orders.`}
          config={funnelChart}
          height={180}
          table={
            <table className="table" data-testid="funnel">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col" className="num">Count</th>
                  <th scope="col" className="num">Of the step before</th>
                </tr>
              </thead>
              <tbody>
                <FunnelRow step="Product views" n={d.funnel.views} of="—" testId="funnel-views" count={count} />
                <FunnelRow step="Carts" n={d.funnel.carts} of={percent(d.funnel.carts, d.funnel.views)} testId="funnel-carts" count={count} />
                <FunnelRow step="Paid orders" n={d.funnel.orders} of={percent(d.funnel.orders, d.funnel.carts)} testId="funnel-orders" count={count} />
              </tbody>
            </table>
          }
          note="Views are counted when a product page opens; carts are carts a product was put in."
        />

        <ChartFigure
          id="bytes"
          title="3D bytes saved"
          summary={
            d.assets.processed === 0
              ? 'No uploaded model has been optimised yet.'
              : `${count(d.assets.processed)} optimised models: ${formatBytes(d.assets.sourceBytes, locales)} uploaded, ${formatBytes(d.assets.optimizedBytes, locales)} served, ${percent(saved, d.assets.sourceBytes)} smaller.`
          }
          config={bytesChart}
          height={150}
          empty={d.assets.processed === 0 ? 'No uploaded model has been optimised yet.' : undefined}
          table={
            <table className="table" data-testid="bytes">
              <tbody>
                <tr>
                  <th scope="row">Models optimised</th>
                  <td className="num">{count(d.assets.processed)}</td>
                </tr>
                <tr>
                  <th scope="row">Uploaded</th>
                  <td className="num">{formatBytes(d.assets.sourceBytes, locales)}</td>
                </tr>
                <tr>
                  <th scope="row">Served</th>
                  <td className="num">{formatBytes(d.assets.optimizedBytes, locales)}</td>
                </tr>
                <tr>
                  <th scope="row">Saved</th>
                  <td className="num">
                    {formatBytes(saved, locales)} ({percent(saved, d.assets.sourceBytes)})
                  </td>
                </tr>
              </tbody>
            </table>
          }
          note={d.assets.unmeasured > 0 ? `${count(d.assets.unmeasured)} ready models were not uploaded through the pipeline (the demo’s) and are not counted.` : undefined}
        />
      </div>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function FunnelRow({ step, n, of, testId, count }: { step: string; n: number; of: string; testId: string; count: (n: number) => string }) {
  return (
    <tr>
      <th scope="row">{step}</th>
      <td className="num" data-testid={testId}>
        {count(n)}
      </td>
      <td className="num">{of}</td>
    </tr>
  );
}

/** A chart with its heading, its accessible summary, and its numbers as a table a click (or Enter) away. */
function ChartFigure(props: { id: string; title: string; summary: string; config: ChartConfig; table: ReactNode; height?: number; empty?: string; note?: string }) {
  return (
    <section className="dashboard-card" aria-labelledby={`${props.id}-title`} data-testid={`chart-${props.id}`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.empty ? <p className="state">{props.empty}</p> : <Chart config={props.config} summary={props.summary} height={props.height} />}
      <details>
        <summary>Show the numbers</summary>
        <div className="table-wrap">{props.table}</div>
      </details>
      {props.note && <p className="field-hint">{props.note}</p>}
    </section>
  );
}

const formatDay = (day: string, locales: readonly string[]): string =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(locales, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
const shortDay = (day: string, locales: readonly string[]): string =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(locales, { timeZone: 'UTC', day: 'numeric', month: 'short' });
const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function formatBytes(bytes: number, locales: readonly string[]): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toLocaleString(locales, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}
