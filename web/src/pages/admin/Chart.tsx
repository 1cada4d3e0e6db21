// One chart.js canvas, for the admin's dashboard only (chart.js is about 70 KB gzipped: it must never reach the
// shoppers' bundle; this file is imported by admin chunks alone). Only the parts used are registered, so the rest
// is tree-shaken away. The canvas is an image with a one-line summary for screen readers; every chart on the
// dashboard also has its data as a table (see AdminDashboard's ChartFigure).
import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

ChartJs.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export type ChartConfig = ChartConfiguration<'bar' | 'line'>;

export function Chart({ config, summary, height = 260 }: { config: ChartConfig; summary: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
    const chart = new ChartJs(canvas.current, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, ...(reduced ? { animation: false } : {}), ...config.options },
    } as ChartConfig);
    return () => chart.destroy();
  }, [config]);
  return (
    // The box sets the height; chart.js follows its width, from a 390 px phone to a wide screen.
    <div className="chart-box" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
