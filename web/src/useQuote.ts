// Prices the cart for a destination and shipping method, re-asking when either changes (debounced: the region
// may be typed). The answer names the method it priced, which the form adopts when it had none.
import { useEffect, useRef, useState } from 'react';
import { errorMessage, quoteCheckout } from './api.ts';
import type { Quote } from './types.ts';

export interface QuoteState {
  readonly quote: Quote | null;
  readonly loading: boolean;
  readonly error: string | null;
}

export function useQuote(to: { country: string; region: string; method: string }, cartKey: string): QuoteState {
  const [state, setState] = useState<QuoteState>({ quote: null, loading: true, error: null });
  // What the last answer covers: adopting its method must not ask the same question again.
  const covered = useRef('');
  const { country, region, method } = to;

  useEffect(() => {
    const ask = `${country}|${region}|${method}|${cartKey}`;
    // The quote shown already answers this (e.g. a change made and undone before its answer came).
    if (ask === covered.current) return setState((s) => (s.loading ? { ...s, loading: false } : s));
    const ac = new AbortController();
    setState((s) => (s.loading ? s : { ...s, loading: true })); // the shown totals are stale from now on
    const timer = setTimeout(() => {
      quoteCheckout({ country, region: region || undefined, shippingMethod: method || undefined }, ac.signal).then(
        (quote) => {
          covered.current = `${country}|${region}|${quote.shippingMethod ?? ''}|${cartKey}`;
          setState({ quote, loading: false, error: null });
        },
        (err: unknown) => {
          if (!ac.signal.aborted) setState((s) => ({ ...s, loading: false, error: errorMessage(err) }));
        },
      );
    }, covered.current ? 200 : 0); // the first quote at once; later ones wait for typing to pause
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [country, region, method, cartKey]);

  return state;
}
