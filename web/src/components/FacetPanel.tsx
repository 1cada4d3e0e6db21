// A category page's filters: price range, in-stock toggle and one group of checkboxes per option, each with the
// number of products it would show given the other filters. Every change goes to the URL (the page reads it back),
// so a filtered page can be shared and Back undoes a filter. Below 900 px the panel folds behind a "Filters" button.
import { useId, useState, type FormEvent } from 'react';
import { amountInput, toMinorUnits } from '../format.ts';
import { clearFilters, hasFilters, isTicked, toggleOption, withPrice, type BrowseState } from '../browse.ts';
import type { Facets } from '../types.ts';

/** Values shown per option before "Show all". */
const SHOWN_VALUES = 8;

export function FacetPanel(props: { facets: Facets | undefined; state: BrowseState; currency: string; onChange(next: BrowseState): void }) {
  const { facets, state, onChange } = props;
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const active = state.options.length + (state.inStock ? 1 : 0) + (state.minPrice !== undefined || state.maxPrice !== undefined ? 1 : 0);

  return (
    <aside className="facets" aria-label="Filters">
      <button type="button" className="facets-toggle button button-secondary" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen((o) => !o)}>
        Filters{active > 0 ? ` (${active})` : ''}
      </button>
      <div id={bodyId} className="facets-body" data-open={open}>
        <PriceRange
          key={`${state.minPrice ?? ''}-${state.maxPrice ?? ''}`}
          state={state}
          currency={facets?.price?.currency ?? props.currency}
          range={facets?.price ?? null}
          onChange={onChange}
        />
        <div className="facet">
          <label className="checkbox">
            <input type="checkbox" checked={state.inStock} onChange={() => onChange({ ...state, inStock: !state.inStock })} />
            <span>In stock only</span>
            {facets && <Count n={facets.inStock} />}
          </label>
        </div>
        {facets?.options
          // An option no product offers under the other filters (the sofa's fabric once "Walnut" is ticked) is hidden.
          .filter((o) => o.values.some((v) => v.count > 0 || isTicked(state, o.name, v.value)))
          .map((o) => <OptionFacet key={o.name} name={o.name} values={o.values} state={state} onChange={onChange} />)}
        {hasFilters(state) && (
          <button type="button" className="link-button facets-clear" onClick={() => onChange(clearFilters(state))}>
            Clear all filters
          </button>
        )}
      </div>
    </aside>
  );
}

function Count({ n }: { n: number }) {
  return (
    <span className="count">
      {n}
      <span className="visually-hidden"> {n === 1 ? 'product' : 'products'}</span>
    </span>
  );
}

function OptionFacet(props: { name: string; values: Facets['options'][number]['values']; state: BrowseState; onChange(next: BrowseState): void }) {
  const { name, values, state, onChange } = props;
  const [expanded, setExpanded] = useState(false);
  const listId = useId();
  const shown = expanded ? values : values.filter((v, i) => i < SHOWN_VALUES || isTicked(state, name, v.value));
  return (
    <fieldset className="facet">
      <legend>{name}</legend>
      <ul id={listId} className="facet-values">
        {shown.map((v) => {
          const ticked = isTicked(state, name, v.value);
          return (
            <li key={v.value}>
              <label className="checkbox">
                <input type="checkbox" checked={ticked} disabled={!ticked && v.count === 0} onChange={() => onChange(toggleOption(state, name, v.value))} />
                <span>{v.value}</span>
                <Count n={v.count} />
              </label>
            </li>
          );
        })}
      </ul>
      {values.length > SHOWN_VALUES && (
        <button type="button" className="link-button" aria-expanded={expanded} aria-controls={listId} onClick={() => setExpanded((x) => !x)}>
          {expanded ? 'Show fewer' : `Show all ${values.length}`}
        </button>
      )}
    </fieldset>
  );
}

function PriceRange(props: {
  state: BrowseState;
  currency: string;
  range: { min: number; max: number } | null;
  onChange(next: BrowseState): void;
}) {
  const { state, currency, range } = props;
  const shown = (amount: number | undefined): string => (amount === undefined ? '' : amountInput({ amount, currency }));
  const [min, setMin] = useState(shown(state.minPrice));
  const [max, setMax] = useState(shown(state.maxPrice));
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const apply = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const lo = min.trim() ? toMinorUnits(min, currency) : undefined;
    const hi = max.trim() ? toMinorUnits(max, currency) : undefined;
    if ((min.trim() && lo === undefined) || (max.trim() && hi === undefined)) {
      setError(`Enter amounts like 120 or 99.50 (${currency}).`);
      return;
    }
    setError(null);
    props.onChange(withPrice(state, lo, hi));
  };

  return (
    <form className="facet price-range" onSubmit={apply} noValidate aria-describedby={error ? `${id}error` : undefined}>
      <fieldset>
        <legend>Price ({currency})</legend>
        <div className="price-inputs">
          <div className="field">
            <label htmlFor={`${id}min`}>Min</label>
            <input
              id={`${id}min`}
              inputMode="decimal"
              autoComplete="off"
              value={min}
              placeholder={range ? amountInput({ amount: range.min, currency }).replace(/\.0+$/, '') : ''}
              onChange={(e) => setMin(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}max`}>Max</label>
            <input
              id={`${id}max`}
              inputMode="decimal"
              autoComplete="off"
              value={max}
              placeholder={range ? amountInput({ amount: range.max, currency }).replace(/\.0+$/, '') : ''}
              onChange={(e) => setMax(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <button type="submit" className="button button-small button-secondary">
            Apply
          </button>
        </div>
        {error && (
          <p id={`${id}error`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </fieldset>
    </form>
  );
}
