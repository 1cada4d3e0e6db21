// The product's photos and videos in the editor: upload several at once (each with its own progress bar: the file
// goes straight to storage with XMLHttpRequest's upload progress), follow processing live (polled while anything is
// processing: ready, or failed with the reason), reorder by dragging or with the Move up/Move down buttons (the
// keyboard's way), set each one's alt text, delete. Every edit names the list's version; if someone else changed it
// meanwhile the edit is refused and the list reloaded.
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api.ts';
import { putFile } from './model-api.ts';
import { completeMediaUpload, deleteMedia, editMedia, getMedia, mediaContentType, requestMediaUpload, type AdminMedia, type AdminMediaItem } from './media-api.ts';

interface Sending {
  readonly key: string;
  readonly filename: string;
  readonly sent: number;
  readonly error?: string;
}

const ACCEPT = 'image/jpeg,image/png,image/webp,image/avif,video/mp4,video/webm,.jpg,.jpeg,.png,.webp,.avif,.mp4,.m4v,.webm';
const POLL_MS = 1500;

export function MediaSection({ productId }: { productId: string }) {
  const [media, setMedia] = useState<AdminMedia | null>(null);
  const [sending, setSending] = useState<readonly Sending[]>([]);
  const [alert, setAlert] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [dragged, setDragged] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  /** Keeps the newest list: answers to parallel uploads may arrive out of order. */
  const take = (next: AdminMedia): void => setMedia((cur) => (cur && cur.version > next.version ? cur : next));
  const reload = async (): Promise<void> => setMedia(await getMedia(productId));

  useEffect(() => {
    const ac = new AbortController();
    getMedia(productId, ac.signal).then(setMedia, (err: unknown) => {
      if (!ac.signal.aborted) setAlert(errorMessage(err));
    });
    return () => ac.abort();
  }, [productId]);

  const processing = media?.items.some((m) => m.status === 'processing') ?? false;
  useEffect(() => {
    if (!processing) return;
    const timer = setInterval(() => {
      getMedia(productId).then((m) => setMedia((cur) => (cur && cur.version > m.version ? cur : m)), () => {});
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [processing, productId]);

  const uploadOne = async (file: File, key: string): Promise<void> => {
    const update = (patch: Partial<Sending>): void => setSending((all) => all.map((s) => (s.key === key ? { ...s, ...patch } : s)));
    try {
      const ticket = await requestMediaUpload(productId, { filename: file.name, contentType: mediaContentType(file.name), size: file.size });
      await putFile(ticket, file, (sent) => update({ sent }));
      take(await completeMediaUpload(productId, ticket.uploadId));
      setSending((all) => all.filter((s) => s.key !== key));
    } catch (err) {
      update({ error: errorMessage(err) });
    }
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const files = [...(fileRef.current?.files ?? [])];
    if (files.length === 0) {
      setAlert('Choose one or more photos or videos first.');
      return;
    }
    setAlert(null);
    const batch = files.map((f, i) => ({ key: `${Date.now()}-${i}-${f.name}`, filename: f.name, sent: 0 }));
    setSending((all) => [...all.filter((s) => !s.error), ...batch]);
    if (fileRef.current) fileRef.current.value = '';
    void Promise.all(files.map((f, i) => uploadOne(f, batch[i]!.key)));
  };

  const run = async (what: string, edit: (version: number) => Promise<AdminMedia>): Promise<void> => {
    if (!media || busy) return;
    setBusy(true);
    try {
      take(await edit(media.version));
      setAlert(null);
      setNotice(what);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setAlert('Someone else changed these photos and videos meanwhile: here they are as they are now. Make your change again.');
        await reload().catch(() => {});
      } else setAlert(errorMessage(err));
    }
    setBusy(false);
  };

  const reorder = (ids: readonly string[], what: string): Promise<void> => run(what, (v) => editMedia(productId, v, { order: ids }));
  const move = (item: AdminMediaItem, by: number): void => {
    if (!media) return;
    const ids = media.items.map((m) => m.id);
    const from = ids.indexOf(item.id);
    const to = from + by;
    if (to < 0 || to >= ids.length) return;
    ids.splice(from, 1);
    ids.splice(to, 0, item.id);
    void reorder(ids, `Moved ${item.filename} to position ${to + 1}.`).then(() => {
      // The focus stays on the same button of the moved item, so pressing it again keeps moving it.
      document.getElementById(`media-${item.id}-${by < 0 ? 'up' : 'down'}`)?.focus();
    });
  };
  const drop = (e: DragEvent, target: AdminMediaItem): void => {
    e.preventDefault();
    if (!media || !dragged || dragged === target.id) return;
    const ids = media.items.map((m) => m.id).filter((id) => id !== dragged);
    ids.splice(ids.indexOf(target.id) + (media.items.findIndex((m) => m.id === dragged) < media.items.indexOf(target) ? 1 : 0), 0, dragged);
    setDragged(null);
    void reorder(ids, 'Order saved.');
  };

  const missingAlt = media?.items.filter((m) => m.kind === 'image' && m.alt === '').length ?? 0;
  return (
    <section className="form-section media-section" aria-labelledby="media-title" data-testid="media-section">
      <h2 id="media-title">Photos and videos</h2>
      <p className="field-hint">Shown in the product’s gallery after the 3D view, in this order. Photos: JPEG, PNG, WebP or AVIF. Videos: MP4 or WebM.</p>
      <form className="media-upload" onSubmit={submit} noValidate>
        <label htmlFor="media-files">Add photos or videos</label>
        <input id="media-files" ref={fileRef} type="file" multiple accept={ACCEPT} data-testid="media-files" />
        <button type="submit" className="button button-secondary">
          Upload
        </button>
      </form>
      {sending.length > 0 && (
        <ul className="media-sending" aria-label="Uploads">
          {sending.map((s) => (
            <li key={s.key} data-testid="media-sending">
              <label>
                {s.filename}: {s.error ? 'not uploaded' : s.sent < 1 ? `uploading ${Math.floor(s.sent * 100)} %` : 'checking…'}
                <progress max={100} value={Math.floor(s.sent * 100)} data-testid="media-progress" />
              </label>
              {s.error && (
                <p className="field-error" role="alert">
                  {s.error}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="form-success" role="status">
        {notice}
      </p>
      {alert && (
        <p className="form-error" role="alert">
          {alert}
        </p>
      )}
      {missingAlt > 0 && (
        <p className="field-error" data-testid="media-alt-warning">
          {missingAlt === 1 ? 'One photo has' : `${missingAlt} photos have`} no alt text: shoppers who cannot see it will only hear the product’s name. Describe what each shows before publishing.
        </p>
      )}
      {media && media.items.length === 0 && <p>No photos or videos yet.</p>}
      <ol className="media-list" data-testid="media-list">
        {media?.items.map((m, i) => (
          <li
            key={m.id}
            className={`media-row${dragged === m.id ? ' media-row-dragged' : ''}`}
            draggable
            onDragStart={(e) => {
              setDragged(m.id);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', m.id);
            }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => drop(e, m)}
            onDragEnd={() => setDragged(null)}
            data-testid="media-row"
            data-media-id={m.id}
          >
            <span className="media-thumb">{m.renditions[0] ? <img src={m.renditions[0].url} alt="" width={72} height={72} loading="lazy" /> : <span aria-hidden="true">{m.kind === 'video' ? '▶' : '…'}</span>}</span>
            <div className="media-info">
              <p>
                <strong>{m.filename}</strong> <span className="muted">{describe(m)}</span>
              </p>
              <p data-testid="media-status">
                {m.status === 'processing' ? 'Processing…' : m.status === 'ready' ? 'Ready' : 'Failed'}
                {m.error && <span className="field-error"> {m.error}</span>}
              </p>
              <AltField item={m} disabled={busy} onSave={(alt) => run(`Alt text of ${m.filename} saved.`, (v) => editMedia(productId, v, { alt: { [m.id]: alt } }))} />
            </div>
            <div className="media-actions">
              <button type="button" id={`media-${m.id}-up`} className="button button-secondary button-small" aria-disabled={i === 0 || busy || undefined} aria-label={`Move ${m.filename} up`} onClick={() => move(m, -1)}>
                Move up
              </button>
              <button type="button" id={`media-${m.id}-down`} className="button button-secondary button-small" aria-disabled={i === media.items.length - 1 || busy || undefined} aria-label={`Move ${m.filename} down`} onClick={() => move(m, 1)}>
                Move down
              </button>
              <button type="button" className="button button-danger-outline button-small" aria-label={`Delete ${m.filename}`} onClick={() => void run(`${m.filename} deleted.`, (v) => deleteMedia(productId, m.id, v))}>
                Delete
              </button>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function AltField({ item, disabled, onSave }: { item: AdminMediaItem; disabled: boolean; onSave: (alt: string) => Promise<void> }) {
  const [value, setValue] = useState(item.alt);
  useEffect(() => setValue(item.alt), [item.alt]);
  const id = `alt-${item.id}`;
  return (
    <form
      className="media-alt"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(value);
      }}
    >
      <label htmlFor={id}>Alt text {item.kind === 'image' ? '(what the photo shows)' : '(what the video shows)'}</label>
      <input id={id} type="text" value={value} maxLength={250} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="button button-secondary button-small" aria-disabled={disabled || value === item.alt || undefined} aria-label={`Save alt text of ${item.filename}`}>
        Save
      </button>
    </form>
  );
}

function describe(m: AdminMediaItem): string {
  const size = m.width && m.height ? `${m.width} × ${m.height}` : '';
  const time = m.duration !== null ? `${m.duration.toFixed(1)} s` : '';
  return [m.kind === 'video' ? 'Video' : 'Photo', size, time, `${(m.bytes / 1024).toFixed(0)} KB`].filter(Boolean).join(' · ');
}
