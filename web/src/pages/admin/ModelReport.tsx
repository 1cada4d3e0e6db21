// What the asset pipeline found and did to a model, as the merchant reads it: the validator's verdict with its
// messages, bytes and triangles before and after, how close the published renders are to the original (SSIM per
// view), and anything else it noted.
import type { AssetReport, ValidationSummary } from './model-api.ts';

const MESSAGES_SHOWN = 50;

export function ModelReport({ report }: { report: AssetReport }) {
  const input = report.validation?.input;
  const output = report.validation?.output;
  const opt = report.optimisation;
  const locales = navigator.languages;
  const int = new Intl.NumberFormat(locales);
  return (
    <div className="model-report" data-testid="model-report">
      {input && <Validation title="Validator: your file" summary={input} testId="validation-input" />}
      {output && <Validation title="Validator: the published model" summary={output} testId="validation-output" />}
      {opt && (
        <dl className="model-facts" data-testid="optimisation">
          <div>
            <dt>Bytes</dt>
            <dd data-testid="bytes">
              {formatBytes(opt.bytesBefore, locales)} → {formatBytes(opt.bytesAfter, locales)}
              {opt.bytesBefore > 0 && opt.bytesAfter < opt.bytesBefore && <> ({Math.round((1 - opt.bytesAfter / opt.bytesBefore) * 100)} % smaller)</>}
            </dd>
          </div>
          <div>
            <dt>Triangles</dt>
            <dd data-testid="triangles">
              {int.format(opt.trianglesBefore)} → {int.format(opt.trianglesAfter)}
            </dd>
          </div>
          {opt.settings && (
            <div>
              <dt>Settings</dt>
              <dd>{opt.settings}</dd>
            </div>
          )}
        </dl>
      )}
      {report.ssim && report.ssim.length > 0 && (
        <table className="ssim" data-testid="ssim">
          <caption>Likeness to your file (SSIM, 1 = identical)</caption>
          <thead>
            <tr>
              <th scope="col">View</th>
              <th scope="col">SSIM</th>
            </tr>
          </thead>
          <tbody>
            {report.ssim.map((s) => (
              <tr key={s.orbit}>
                <th scope="row" className="mono">
                  {s.orbit}
                </th>
                <td className="num">{s.ssim.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.publishedOriginal && <p className="field-hint">Your file was published as it is{report.reason ? `: ${report.reason}` : '.'}</p>}
      {report.usdz && <p className="field-hint">Quick Look (USDZ): {report.usdz.note}</p>}
      {report.notes && report.notes.length > 0 && (
        <ul className="field-hint">
          {report.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Validation({ title, summary, testId }: { title: string; summary: ValidationSummary; testId: string }) {
  const shown = summary.messages.slice(0, MESSAGES_SHOWN);
  return (
    <section className="validation" data-testid={testId}>
      <h3>{title}</h3>
      <p>
        <span className={summary.errors > 0 ? 'count-bad' : 'count-ok'} data-testid="errors">
          {summary.errors} {summary.errors === 1 ? 'error' : 'errors'}
        </span>
        , <span data-testid="warnings">{summary.warnings} {summary.warnings === 1 ? 'warning' : 'warnings'}</span>, {summary.infos} notes
      </p>
      {shown.length > 0 && (
        <details open={summary.errors > 0}>
          <summary>Messages ({summary.messages.length}{summary.truncated ? '+' : ''})</summary>
          <ul className="validation-messages">
            {shown.map((m, i) => (
              <li key={i} className={`severity-${m.severity}`}>
                <strong>{m.severity}</strong> <span className="mono">{m.code}</span>: {m.message} {m.pointer && <span className="mono muted">{m.pointer}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

export function formatBytes(n: number, locales: readonly string[]): string {
  const nf = (v: number, digits: number) => new Intl.NumberFormat(locales, { maximumFractionDigits: digits }).format(v);
  if (n >= 1024 * 1024) return `${nf(n / (1024 * 1024), 2)} MB`;
  if (n >= 1024) return `${nf(n / 1024, 1)} KB`;
  return `${nf(n, 0)} bytes`;
}
