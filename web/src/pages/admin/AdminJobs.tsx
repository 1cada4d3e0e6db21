// '/admin/jobs': background work as the admin sees it (the same as `vitrine jobs status|dead|replay|purge`): how
// much waits and for how long, and the dead letters (jobs that failed every attempt) with why, to replay once the
// cause is fixed or delete. Refreshes itself every 10 s while the tab is shown.
import { useEffect, useRef, useState } from 'react';
import { errorMessage, getAdminJobs, purgeDeadLetters, replayDeadLetters } from '../../api.ts';
import { FormError } from '../../components/Field.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { firstLine, formatAge, formatDate } from '../../format.ts';
import { useTitle } from '../../router.tsx';
import type { DeadLetter, QueueDepth } from '../../types.ts';
import { AdminNav } from './AdminNav.tsx';
import { useLiveData } from './useLiveData.ts';

const REFRESH_MS = 10_000;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Reloads every REFRESH_MS while the page is visible; coming back to the tab reloads at once. */
function useAutoRefresh(reload: () => Promise<void>): void {
  useEffect(() => {
    let timer: number | undefined;
    const start = (): void => {
      timer ??= window.setInterval(() => void reload(), REFRESH_MS);
    };
    const stop = (): void => {
      if (timer !== undefined) window.clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible') {
        void reload();
        start();
      } else {
        stop();
      }
    };
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [reload]);
}

type Bulk = 'replay' | 'purge';

export function AdminJobs() {
  useTitle('Background jobs');
  const jobs = useLiveData((signal) => getAdminJobs(signal), []);
  useAutoRefresh(jobs.reload);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [alert, setAlert] = useState<string | null>(null);
  // Rows acted on, hidden at once rather than after the next reload.
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const deadTitle = useRef<HTMLHeadingElement>(null);
  const locales = navigator.languages;

  /** Runs one action; `message` turns its answer into the status line. */
  const act = async <R,>(key: string, run: () => Promise<R>, message: (r: R) => string, hide?: string): Promise<boolean> => {
    if (busy) return false;
    setBusy(key);
    setNotice('');
    setAlert(null);
    try {
      const r = await run();
      if (hide) setGone((g) => new Set(g).add(hide));
      setNotice(message(r));
      return true;
    } catch (err) {
      setAlert(errorMessage(err));
      return false;
    } finally {
      setBusy(null);
      await jobs.reload();
    }
  };

  const noLongerDead = (d: DeadLetter): string => `The ${d.type} job was no longer dead (replayed or deleted meanwhile).`;
  const replayOne = async (d: DeadLetter): Promise<void> => {
    const message = (r: { replayed: number }): string => (r.replayed > 0 ? `Replayed the ${d.type} job: it is queued again with a fresh attempt budget.` : noLongerDead(d));
    // The row (and its focused button) goes: keep keyboard users at the list rather than at the top of the page.
    if (await act(`replay:${d.id}`, () => replayDeadLetters({ id: d.id }), message, d.id)) deadTitle.current?.focus();
  };
  const purgeOne = async (d: DeadLetter): Promise<void> => {
    const message = (r: { purged: number }): string => (r.purged > 0 ? `Deleted the dead ${d.type} job.` : noLongerDead(d));
    if (await act(`purge:${d.id}`, () => purgeDeadLetters({ id: d.id }), message, d.id)) deadTitle.current?.focus();
  };
  const bulk = async (what: Bulk): Promise<boolean> => {
    const done =
      what === 'replay'
        ? await act('replay:all', () => replayDeadLetters({ all: true }), (r) =>
            r.replayed > 0 ? `Replayed ${plural(r.replayed, 'job', 'jobs')}: queued again with a fresh attempt budget.` : 'There were no dead letters to replay.',
          )
        : await act('purge:all', () => purgeDeadLetters({ all: true }), (r) =>
            r.purged > 0 ? `Deleted ${plural(r.purged, 'dead letter', 'dead letters')}.` : 'There were no dead letters to delete.',
          );
    if (done) {
      setGone(new Set());
      deadTitle.current?.focus();
    }
    return done;
  };

  // The list reloaded without the rows acted on: forget them (a replayed job that dies again must show again).
  const data = jobs.data;
  useEffect(() => {
    if (data) setGone((g) => (g.size === 0 ? g : new Set([...g].filter((id) => data.deadLetters.some((d) => d.id === id)))));
  }, [data]);

  if (!data) {
    return (
      <>
        <AdminNav current="jobs" />
        <h1>Background jobs</h1>
        {jobs.error ? <ErrorState error={jobs.error} onRetry={() => void jobs.reload()} /> : <Loading label="Loading the job queue…" />}
      </>
    );
  }
  const letters = data.deadLetters.filter((d) => !gone.has(d.id));

  return (
    <>
      <AdminNav current="jobs" />
      <div className="page-head">
        <h1>Background jobs</h1>
        <div className="refresh">
          <button type="button" className="button button-secondary" onClick={() => void jobs.reload()} aria-disabled={jobs.loading || undefined}>
            {jobs.loading ? 'Refreshing…' : 'Refresh'}
          </button>
          <p className="note">
            {jobs.updatedAt && (
              <>
                Updated <time dateTime={jobs.updatedAt.toISOString()}>{jobs.updatedAt.toLocaleTimeString(locales)}</time>.{' '}
              </>
            )}
            Refreshes every 10 seconds while this tab is shown.
          </p>
        </div>
      </div>
      {jobs.error !== null && (
        <p className="form-error" role="alert">
          Could not refresh: {errorMessage(jobs.error)} The figures below are from the last successful refresh.
        </p>
      )}
      <Depth depth={data.depth} />
      <p className="form-success" role="status" data-testid="jobs-status">
        {notice}
      </p>
      <FormError message={alert} />
      <section aria-labelledby="dead-title" className="dead-letters">
        <div className="section-head">
          <h2 id="dead-title" ref={deadTitle} tabIndex={-1}>
            Dead letters
          </h2>
          {data.depth.dead > 0 && <BulkActions count={data.depth.dead} busy={busy !== null} onConfirm={bulk} />}
        </div>
        <p className="note">Jobs that failed every attempt. Replay them once the cause is fixed: each goes back in the queue with a fresh attempt budget.</p>
        {letters.length === 0 ? (
          <p className="state">No dead letters: every job has finished or is still being tried.</p>
        ) : (
          <>
            <DeadLetterTable letters={letters} busy={busy} onReplay={(d) => void replayOne(d)} onPurge={(d) => void purgeOne(d)} />
            {data.depth.dead > data.deadLetters.length && (
              <p className="note table-note">
                The {data.deadLetters.length} most recent of {data.depth.dead} dead letters are shown.
              </p>
            )}
          </>
        )}
      </section>
    </>
  );
}

function Depth({ depth }: { depth: QueueDepth }) {
  const age = depth.oldestQueuedAgeSeconds;
  return (
    <section aria-labelledby="depth-title">
      <h2 id="depth-title" className="visually-hidden">
        Queue depth
      </h2>
      <dl className="stats" data-testid="queue-depth">
        <div className="stat">
          <dt>Queued</dt>
          <dd data-testid="depth-queued">{depth.queued}</dd>
        </div>
        <div className="stat">
          <dt>Running</dt>
          <dd data-testid="depth-running">{depth.running}</dd>
        </div>
        <div className={`stat${depth.dead > 0 ? ' stat-bad' : ''}`}>
          <dt>Dead</dt>
          <dd data-testid="depth-dead">{depth.dead}</dd>
        </div>
        <div className="stat">
          <dt>Oldest waiting</dt>
          <dd data-testid="depth-age">{age === null ? 'None due' : formatAge(age)}</dd>
        </div>
      </dl>
    </section>
  );
}

function DeadLetterTable(props: { letters: readonly DeadLetter[]; busy: string | null; onReplay(d: DeadLetter): void; onPurge(d: DeadLetter): void }) {
  const locales = navigator.languages;
  return (
    <div className="table-wrap">
      <table className="table dead-table" data-testid="dead-letters">
        <caption className="visually-hidden">Dead letters, most recent failure first</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col">Failed at</th>
            <th scope="col">Error</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.letters.map((d) => {
            const who = `${d.type} job ${d.id}`;
            return (
              <tr key={d.id} data-job-id={d.id}>
                <th scope="row">
                  <span className="mono">{d.type}</span>
                  <span className="job-id mono">{d.id}</span>
                </th>
                <td className="num">{d.attempts}</td>
                <td className="nowrap">
                  <time dateTime={d.failedAt}>{formatDate(d.failedAt, locales, true)}</time>
                </td>
                <td className="error-cell">
                  <p className="error-line">{d.lastError ? firstLine(d.lastError) || d.lastError : <span className="note">No error recorded</span>}</p>
                  <details>
                    <summary>
                      Full error and payload<span className="visually-hidden"> of the {who}</span>
                    </summary>
                    <p className="label">Error</p>
                    <pre className="code-block" tabIndex={0}>
                      {d.lastError ?? 'No error recorded.'}
                    </pre>
                    <p className="label">Payload</p>
                    <pre className="code-block" tabIndex={0}>
                      {payloadText(d.payload)}
                    </pre>
                  </details>
                </td>
                <td>
                  <div className="row-actions">
                    <button type="button" className="button button-small" onClick={() => props.onReplay(d)} aria-disabled={props.busy !== null || undefined}>
                      {props.busy === `replay:${d.id}` ? 'Replaying…' : 'Replay'}
                      <span className="visually-hidden"> the {who}</span>
                    </button>
                    <button type="button" className="button button-small button-danger-outline" onClick={() => props.onPurge(d)} aria-disabled={props.busy !== null || undefined}>
                      {props.busy === `purge:${d.id}` ? 'Deleting…' : 'Delete'}
                      <span className="visually-hidden"> the {who}</span>
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function payloadText(payload: unknown): string {
  if (payload === undefined) return '(none)';
  try {
    return JSON.stringify(payload, null, 2) ?? String(payload);
  } catch {
    return String(payload);
  }
}

/** "Replay all" / "Delete all", each behind a second, explicit step. */
function BulkActions({ count, busy, onConfirm }: { count: number; busy: boolean; onConfirm(what: Bulk): Promise<boolean> }) {
  const [asking, setAsking] = useState<Bulk | null>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const openers = { replay: useRef<HTMLButtonElement>(null), purge: useRef<HTMLButtonElement>(null) };
  const returnTo = useRef<Bulk | null>(null);

  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (returnTo.current) openers[returnTo.current].current?.focus();
    returnTo.current = null;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the refs are stable
  }, [asking]);

  const cancel = (): void => {
    returnTo.current = asking;
    setAsking(null);
  };
  const confirm = async (): Promise<void> => {
    if (!asking || busy) return;
    if (await onConfirm(asking)) setAsking(null);
  };

  if (!asking) {
    return (
      <div className="actions">
        <button type="button" ref={openers.replay} className="button button-secondary" onClick={() => setAsking('replay')} aria-disabled={busy || undefined}>
          Replay all…
        </button>
        <button type="button" ref={openers.purge} className="button button-danger-outline" onClick={() => setAsking('purge')} aria-disabled={busy || undefined}>
          Delete all…
        </button>
      </div>
    );
  }
  const replay = asking === 'replay';
  const letters = plural(count, 'dead letter', 'dead letters');
  return (
    <div
      className="confirm"
      role="group"
      aria-labelledby="bulk-question"
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancel();
      }}
    >
      <p id="bulk-question" className="warning">
        {replay ? `Replay all ${letters}? Each goes back in the queue with a fresh attempt budget.` : `Delete all ${letters}? This cannot be undone.`}
      </p>
      <div className="actions">
        <button type="button" ref={yes} className={`button${replay ? '' : ' button-danger'}`} onClick={() => void confirm()} aria-disabled={busy || undefined}>
          {busy ? (replay ? 'Replaying…' : 'Deleting…') : replay ? `Yes, replay all ${count}` : `Yes, delete all ${count}`}
        </button>
        <button type="button" className="button button-secondary" onClick={cancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
