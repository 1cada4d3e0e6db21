// The header's product search: an editable combobox with list autocomplete (WAI-ARIA 1.2 combobox pattern).
// Results appear ~150 ms after the shopper stops typing; Down/Up move through them (aria-activedescendant, focus
// stays in the input), Enter opens the highlighted product or, with none highlighted, the results page; Esc closes
// the list (a second Esc clears the text). Without JavaScript the form still submits to /search?q=.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { searchProducts } from '../api.ts';
import { formatMoney } from '../format.ts';
import { navigate, useLocation } from '../router.tsx';
import type { ProductSummary } from '../types.ts';

const DEBOUNCE_MS = 150;
const LIMIT = 6;
/** The API's limit on q. */
const MAX_LENGTH = 100;

type Choice = { readonly kind: 'product'; readonly product: ProductSummary } | { readonly kind: 'suggestion'; readonly text: string };

export function searchUrl(q: string): string {
  return `/search?${new URLSearchParams({ q: q.trim() })}`;
}

export function SearchBox() {
  const { pathname, search } = useLocation();
  const urlQuery = pathname === '/search' ? (new URLSearchParams(search).get('q') ?? '') : '';
  const [text, setText] = useState(urlQuery);
  const [choices, setChoices] = useState<readonly Choice[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const listId = `${id}listbox`;
  const optionId = (i: number): string => `${id}option-${i}`;
  const query = text.trim();

  // On the results page the box shows what was searched, also after Back/Forward.
  useEffect(() => {
    if (pathname === '/search') setText(urlQuery);
  }, [pathname, urlQuery]);

  useEffect(() => {
    if (!query) {
      setChoices([]);
      setOpen(false);
      setActive(-1);
      setStatus('');
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      searchProducts(query.slice(0, MAX_LENGTH), LIMIT, ac.signal).then(
        (answer) => {
          if (ac.signal.aborted) return;
          const next: Choice[] = answer.items.length
            ? answer.items.map((product) => ({ kind: 'product', product }))
            : answer.suggestion
              ? [{ kind: 'suggestion', text: answer.suggestion }]
              : [];
          setChoices(next);
          setActive(-1);
          setOpen(next.length > 0 && document.activeElement === input.current);
          const n = answer.items.length;
          setStatus(
            n > 0
              ? `${n} ${n === 1 ? 'product' : 'products'} found. Use the up and down arrow keys to review, Enter to open.`
              : answer.suggestion
                ? `No products match. Did you mean ${answer.suggestion}?`
                : 'No products match.',
          );
        },
        () => {
          if (ac.signal.aborted) return;
          setChoices([]);
          setOpen(false);
          setStatus('Search is not available right now.');
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [query]);

  useEffect(() => {
    if (open && active >= 0) document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- optionId derives from the stable id
  }, [open, active]);

  const close = (): void => {
    setOpen(false);
    setActive(-1);
  };

  const choose = (c: Choice): void => {
    if (c.kind === 'suggestion') {
      setText(c.text); // searches again after the debounce; the list reopens with what it finds
      close();
      input.current?.focus();
      return;
    }
    close();
    setText('');
    navigate(`/p/${encodeURIComponent(c.product.slug)}`);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    const n = choices.length;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (n === 0) return;
        e.preventDefault();
        const down = e.key === 'ArrowDown';
        if (!open) {
          setOpen(true);
          setActive(down ? 0 : n - 1);
          return;
        }
        setActive((a) => (down ? (a + 1 >= n ? 0 : a + 1) : a <= 0 ? n - 1 : a - 1));
        return;
      }
      case 'Enter':
        if (open && active >= 0 && choices[active]) {
          e.preventDefault();
          choose(choices[active]);
        }
        return; // otherwise the form submits: the results page
      case 'Escape':
        if (open) {
          e.preventDefault();
          close();
        } else if (text) {
          e.preventDefault();
          setText('');
        }
        return;
    }
  };

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    close();
    if (query) navigate(searchUrl(query.slice(0, MAX_LENGTH)));
  };

  return (
    <form role="search" className="site-search" action="/search" method="get" onSubmit={submit}>
      <label htmlFor={`${id}input`} className="visually-hidden">
        Search products
      </label>
      <div className="combo">
        <input
          ref={input}
          id={`${id}input`}
          className="combo-input"
          type="search"
          name="q"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          autoComplete="off"
          spellCheck={false}
          maxLength={MAX_LENGTH}
          placeholder="Search products"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
          onFocus={() => choices.length > 0 && query && setOpen(true)}
          onBlur={close}
          data-testid="search-input"
        />
        <button type="submit" className="combo-submit" aria-label="Search">
          <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" focusable="false">
            <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
            <path d="M15.5 15.5 21 21" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
          </svg>
        </button>
        <ul id={listId} role="listbox" aria-label="Products matching your search" className="combo-list" hidden={!open}>
          {choices.map((c, i) => (
            <li
              key={c.kind === 'product' ? c.product.id : `suggest-${c.text}`}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className="combo-option"
              // Keep focus in the input: the click still lands, and the list does not close before it.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(c)}
            >
              {c.kind === 'product' ? (
                <>
                  {c.product.poster ? (
                    <img src={c.product.poster} alt="" width={44} height={44} loading="lazy" decoding="async" />
                  ) : (
                    <span className="combo-thumb" aria-hidden="true" />
                  )}
                  <span className="combo-title">{c.product.title}</span>
                  <span className="combo-price">{formatMoney(c.product.price, navigator.languages)}</span>
                </>
              ) : (
                <span className="combo-title">
                  Did you mean <strong>{c.text}</strong>?
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
      <p role="status" aria-live="polite" className="visually-hidden">
        {status}
      </p>
    </form>
  );
}
