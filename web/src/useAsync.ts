// Loads data for a page and aborts the request when the inputs change or the page goes away.
import { useCallback, useEffect, useState } from 'react';

export type AsyncState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: unknown }
  | { readonly status: 'ready'; readonly data: T };

export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): AsyncState<T> & { retry(): void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setState({ status: 'loading' });
    load(ac.signal).then(
      (data) => ac.signal.aborted || setState({ status: 'ready', data }),
      (error: unknown) => ac.signal.aborted || setState({ status: 'error', error }),
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- callers pass the inputs `load` depends on
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, retry };
}
