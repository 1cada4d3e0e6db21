// Shared loading / error / not-found states, announced to assistive technology.
import { ApiError } from '../api.ts';
import { Link, useTitle } from '../router.tsx';

export function Loading({ label }: { label: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof ApiError ? error.message : 'Something went wrong while loading this page.';
  return (
    <div className="state state-error" role="alert">
      <h2>We could not load this page</h2>
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function NotFound({ what = 'page' }: { what?: string }) {
  useTitle('Not found');
  return (
    <section className="not-found" aria-labelledby="nf-title">
      <p className="eyebrow">404</p>
      <h1 id="nf-title">We could not find that {what}</h1>
      <p>It may have been renamed or is no longer sold.</p>
      <Link className="button" href="/">
        Browse the catalog
      </Link>
    </section>
  );
}
