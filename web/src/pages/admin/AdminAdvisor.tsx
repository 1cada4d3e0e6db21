// '/admin/advisor': the store advisor (the design's Trusted Advisor), the same checks as `vitrine advisor`, run on
// this instance when the page opens or on "Check again": findings most severe first, each with its evidence and fix.
import { getAdvisor } from '../../api.ts';
import { ErrorState, Loading } from '../../components/States.tsx';
import { formatDate } from '../../format.ts';
import { useTitle } from '../../router.tsx';
import type { AdvisorFinding } from '../../types.ts';
import { AdminNav } from './AdminNav.tsx';
import { useLiveData } from './useLiveData.ts';

const CATEGORY: Record<AdvisorFinding['category'], string> = {
  cost: 'Cost',
  security: 'Security',
  performance: 'Performance',
  fault_tolerance: 'Fault tolerance',
};

export function AdminAdvisor() {
  useTitle('Advisor');
  const report = useLiveData((signal) => getAdvisor(signal), []);
  const findings = report.data?.findings ?? [];
  return (
    <>
      <AdminNav current="advisor" />
      <div className="page-head">
        <h1>Advisor</h1>
        <div className="refresh">
          <button type="button" className="button button-secondary" onClick={() => void report.reload()} aria-disabled={report.loading || undefined}>
            {report.loading && report.data ? 'Checking…' : 'Check again'}
          </button>
        </div>
      </div>
      {report.data && (
        <p className="note" role="status">
          {findings.length === 0 ? 'No recommendations: the store looks healthy.' : `${findings.length} recommendation${findings.length === 1 ? '' : 's'}`}, checked{' '}
          {formatDate(report.data.checkedAt, undefined, true)}.
        </p>
      )}
      {!report.data && report.loading && <Loading label="Checking the store…" />}
      {!report.data && report.error !== null && <ErrorState error={report.error} onRetry={() => void report.reload()} />}
      <ul className="advisor-list">
        {findings.map((f) => (
          <li key={f.id} className={`panel advisor-finding severity-${f.severity}`} data-testid="advisor-finding">
            <h2>
              <span className="badge">{f.severity === 'high' ? 'High' : f.severity === 'medium' ? 'Medium' : 'Low'}</span> {f.title}
            </h2>
            <p className="note">{CATEGORY[f.category]}</p>
            <p>
              <strong>Evidence:</strong> {f.evidence}
            </p>
            <p>
              <strong>Fix:</strong> {f.fix}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
