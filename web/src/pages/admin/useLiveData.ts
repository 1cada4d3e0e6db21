// Data an operator watches change (the job queue, the mailbox): unlike useAsync, a reload keeps the last answer on
// screen (no flash of "Loading…", no lost selection) and says when it was fetched; a newer reload aborts an older
// one, so a late answer never overwrites a newer one. A 401 ends the session in the header too.
import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthenticated } from '../../api.ts';
import { sessionStore } from '../../stores/session.ts';

export interface LiveData<T> {
  /** The last answer; null until the first one (and again after the inputs change). */
  readonly data: T | null;
  /** Why the last load failed; null once one succeeds. */
  readonly error: unknown;
  readonly loading: boolean;
  readonly updatedAt: Date | null;
  reload(): Promise<void>;
}

interface State<T> {
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
  readonly updatedAt: Date | null;
}

const EMPTY: State<never> = { data: null, error: null, loading: true, updatedAt: null };

export function useLiveData<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): LiveData<T> {
  const [state, setState] = useState<State<T>>(EMPTY);
  const inflight = useRef<AbortController | null>(null);

  const reload = useCallback(async (): Promise<void> => {
    inflight.current?.abort();
    const ac = new AbortController();
    inflight.current = ac;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load(ac.signal);
      if (!ac.signal.aborted) setState({ data, error: null, loading: false, updatedAt: new Date() });
    } catch (error) {
      if (ac.signal.aborted) return;
      if (isUnauthenticated(error)) sessionStore.expired();
      setState((s) => ({ ...s, error, loading: false }));
    } finally {
      if (inflight.current === ac) inflight.current = null;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- callers pass the inputs `load` depends on
  }, deps);

  useEffect(() => {
    setState(EMPTY);
    void reload();
    return () => {
      inflight.current?.abort();
      inflight.current = null;
    };
  }, [reload]);

  return { ...state, reload };
}
