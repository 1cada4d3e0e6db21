// '/admin/mailbox': the development mailbox, i.e. the mail the shop would have sent had an SMTP server been
// configured (welcome mails, order confirmations, password-reset links), newest first. The recipient filter lives in
// the URL (?to=) like the order desk's filters. A message's HTML part is shown in an iframe with sandbox="" and
// srcdoc: no scripts, no forms, no same-origin access, so mail content can never act as the admin.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage, getMailbox, isNotFound } from '../../api.ts';
import { ErrorState, Loading } from '../../components/States.tsx';
import { formatDate } from '../../format.ts';
import { Link, navigate, useLocation, useTitle } from '../../router.tsx';
import type { MailboxMessage } from '../../types.ts';
import { AdminNav } from './AdminNav.tsx';
import { useLiveData } from './useLiveData.ts';

const LIMIT = 50; // the API's maximum is 100

const mailboxUrl = (to: string): string => (to ? `/admin/mailbox?${new URLSearchParams({ to })}` : '/admin/mailbox');

/** The API's 404 when mail goes to a real SMTP server (SMTP_URL): then there is no mailbox to read. */
function smtpMessage(err: unknown): string | null {
  return isNotFound(err) && err instanceof ApiError && /SMTP_URL/.test(err.message) ? err.message : null;
}

export function AdminMailbox() {
  useTitle('Mailbox');
  const { search } = useLocation();
  const to = (new URLSearchParams(search).get('to') ?? '').trim();
  const [text, setText] = useState(to);
  useEffect(() => setText(to), [to]);
  const mail = useLiveData((signal) => getMailbox({ to: to || undefined, limit: LIMIT }, signal), [to]);
  const smtp = smtpMessage(mail.error);

  const onFilter = (e: FormEvent): void => {
    e.preventDefault();
    navigate(mailboxUrl(text.trim()));
  };

  if (smtp) {
    return (
      <>
        <AdminNav current="mailbox" />
        <h1>Mailbox</h1>
        <section className="panel narrow" aria-labelledby="smtp-title" data-testid="mailbox-smtp">
          <h2 id="smtp-title">No development mailbox</h2>
          <p>{/[.!]$/.test(smtp) ? smtp : `${smtp}.`}</p>
          <p className="note">This shop sends its mail through a real SMTP server, so there is nothing kept here to read.</p>
        </section>
      </>
    );
  }

  return (
    <>
      <AdminNav current="mailbox" />
      <div className="page-head">
        <h1>Mailbox</h1>
        <div className="refresh">
          <button type="button" className="button button-secondary" onClick={() => void mail.reload()} aria-disabled={mail.loading || undefined}>
            {mail.loading && mail.data ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      <p className="lead">Mail the shop would have sent: no SMTP server is configured, so messages are kept here instead of leaving the machine.</p>
      <form className="filters-bar" role="search" aria-label="Filter the mailbox" onSubmit={onFilter}>
        <div className="field search-field">
          <label htmlFor="mail-to">Recipient</label>
          <div className="inline-input">
            <input
              id="mail-to"
              type="search"
              inputMode="email"
              autoComplete="off"
              spellCheck={false}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="name@example.com"
              aria-describedby="mail-to-hint"
              maxLength={254}
            />
            <button type="submit" className="button">
              Filter
            </button>
          </div>
          <p id="mail-to-hint" className="field-hint">
            The whole address a message was sent to. {to && <Link href="/admin/mailbox">Show all mail</Link>}
          </p>
        </div>
      </form>
      {mail.error !== null && mail.data !== null && (
        <p className="form-error" role="alert">
          Could not refresh: {errorMessage(mail.error)}
        </p>
      )}
      {mail.data === null ? (
        mail.error !== null ? (
          <ErrorState error={mail.error} onRetry={() => void mail.reload()} />
        ) : (
          <Loading label="Loading the mailbox…" />
        )
      ) : (
        <Messages key={to} items={mail.data.items} to={to} />
      )}
    </>
  );
}

function Messages({ items, to }: { items: readonly MailboxMessage[]; to: string }) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const viewerTitle = useRef<HTMLHeadingElement>(null);
  const focusViewer = useRef(false);
  const selected = items.find((m) => m.id === selectedId) ?? null;
  const locales = navigator.languages;

  // After a pick, go to the message (on narrow screens it is below the list).
  useEffect(() => {
    if (focusViewer.current && selected) viewerTitle.current?.focus();
    focusViewer.current = false;
  }, [selected]);

  if (items.length === 0) {
    return <p className="state">{to ? `No mail to ${to}.` : 'No mail yet. Messages appear here as the shop sends them (the background worker sends them).'}</p>;
  }
  return (
    <div className="mailbox">
      <section aria-labelledby="mail-list-title" className="mail-list-section">
        <h2 id="mail-list-title" className="visually-hidden">
          Messages, newest first
        </h2>
        <ul className="mail-list" data-testid="mail-list">
          {items.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                className="mail-item"
                aria-current={m.id === selectedId ? 'true' : undefined}
                onClick={() => {
                  focusViewer.current = true;
                  setSelectedId(m.id);
                }}
              >
                <span className="mail-subject">{m.subject}</span>
                <span className="mail-meta">To {m.to}</span>
                <span className="mail-meta">
                  <time dateTime={m.createdAt}>{formatDate(m.createdAt, locales, true)}</time>
                </span>
              </button>
            </li>
          ))}
        </ul>
        {items.length >= LIMIT && (
          <p className="note table-note">The {LIMIT} newest messages are shown. Filter by recipient to find older ones.</p>
        )}
      </section>
      {selected ? (
        <article className="panel mail-view" aria-labelledby="mail-title" data-testid="mail-view">
          <h2 id="mail-title" ref={viewerTitle} tabIndex={-1} className="break">
            {selected.subject}
          </h2>
          <dl className="facts">
            <div>
              <dt>From</dt>
              <dd className="break">{selected.from}</dd>
            </div>
            <div>
              <dt>To</dt>
              <dd className="break">{selected.to}</dd>
            </div>
            <div>
              <dt>Sent</dt>
              <dd>
                <time dateTime={selected.createdAt}>{formatDate(selected.createdAt, locales, true)}</time>
              </dd>
            </div>
          </dl>
          <h3>Text part</h3>
          <pre className="mail-text" data-testid="mail-text">
            {selected.text}
          </pre>
          <h3>HTML part</h3>
          {selected.html === null ? (
            <p className="note">This message has no HTML part.</p>
          ) : (
            // sandbox="": no scripts, no same-origin access, no forms, no popups, no top-level navigation.
            <iframe className="mail-html" sandbox="" srcDoc={selected.html} title={`HTML part of “${selected.subject}”`} referrerPolicy="no-referrer" data-testid="mail-html" />
          )}
        </article>
      ) : (
        <p className="panel mail-view mail-placeholder note">Select a message to read it.</p>
      )}
    </div>
  );
}
