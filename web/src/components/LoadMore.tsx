// Keyset paging shared by the order lists (the shopper's history, the merchant's desk): the first page comes from
// the caller, later ones are appended on "load more"; a failure is shown beside the button and can be retried.
import { useState } from 'react';
import { errorMessage } from '../api.ts';

export interface Paged<T> {
  readonly items: readonly T[];
  readonly cursor: string | null;
  readonly loading: boolean;
  readonly error?: string;
  loadMore(): Promise<void>;
}

export function usePaged<T>(initial: readonly T[], initialCursor: string | null, fetchPage: (cursor: string) => Promise<{ items: readonly T[]; nextCursor: string | null }>): Paged<T> {
  const [items, setItems] = useState(initial);
  const [cursor, setCursor] = useState(initialCursor);
  const [more, setMore] = useState<{ loading: boolean; error?: string }>({ loading: false });
  const loadMore = async (): Promise<void> => {
    if (!cursor || more.loading) return;
    setMore({ loading: true });
    try {
      const page = await fetchPage(cursor);
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.nextCursor);
      setMore({ loading: false });
    } catch (err) {
      setMore({ loading: false, error: errorMessage(err) });
    }
  };
  return { items, cursor, loading: more.loading, error: more.error, loadMore };
}

export function LoadMore({ paged, label }: { paged: Paged<unknown>; label: string }) {
  return (
    <>
      {paged.error && (
        <p className="form-error" role="alert">
          {paged.error}
        </p>
      )}
      {paged.cursor && (
        <div className="more">
          <button type="button" className="button button-secondary" onClick={() => void paged.loadMore()} aria-disabled={paged.loading || undefined}>
            {paged.loading ? 'Loading…' : label}
          </button>
        </div>
      )}
    </>
  );
}
