// '/admin/products/:id/model': a product's 3D model as the merchant manages it. Upload a .glb (or a .zip of a .gltf
// with its files) with a progress bar; follow its processing live (the upload is in the address as ?upload=…, so a
// reload keeps following it); read what the pipeline found (validator, bytes and triangles before and after, SSIM),
// see the poster and the model itself, and place labelled hotspots on it (HotspotEditor.tsx).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorMessage, isNotFound } from '../../api.ts';
import { FormError } from '../../components/Field.tsx';
import { ErrorState, Loading, NotFound } from '../../components/States.tsx';
import { formatAge, formatSize } from '../../format.ts';
import { Link, navigate, useTitle } from '../../router.tsx';
import { AdminNav } from './AdminNav.tsx';
import { HotspotEditor } from './HotspotEditor.tsx';
import { completeModelUpload, getAdminModel, getModelUpload, putFile, requestModelUpload, uploadContentType, type AdminAsset, type AssetReport, type AssetStatus } from './model-api.ts';
import { formatBytes, ModelReport } from './ModelReport.tsx';
import { useLiveData } from './useLiveData.ts';

/** How often processing is checked: a model takes from seconds to a few minutes. */
const POLL_MS = 2_000;

export function ModelPanel({ productId }: { productId: string }) {
  const loaded = useLiveData((signal) => getAdminModel(productId, signal), [productId]);
  const title = loaded.data?.product.title ?? '';
  useTitle(title ? `3D model · ${title}` : '3D model');
  // The editor restarts from the stored list whenever the model or its saved version changes under it.
  const [editorKey, setEditorKey] = useState(0);

  let body;
  if (!loaded.data) {
    body = loaded.error ? isNotFound(loaded.error) ? <NotFound what="product" /> : <ErrorState error={loaded.error} onRetry={() => void loaded.reload()} /> : <Loading label="Loading the model…" />;
  } else {
    const { product, asset } = loaded.data;
    body = (
      <article className="model-panel" aria-labelledby="model-title">
        <p className="breadcrumb">
          <Link href="/admin/products">Products</Link> › <Link href={`/admin/products/${encodeURIComponent(product.id)}`}>{product.title}</Link>
        </p>
        <h1 id="model-title">3D model: {product.title}</h1>
        <section className="panel" aria-labelledby="upload-title">
          <h2 id="upload-title">{asset ? 'Replace the model' : 'Upload a model'}</h2>
          <ModelUpload productId={product.id} hotspots={asset?.hotspots.length ?? 0} onReady={() => void loaded.reload().then(() => setEditorKey((k) => k + 1))} />
        </section>
        {asset ? (
          <>
            <CurrentModel asset={asset} />
            {asset.glb ? (
              <section className="panel" aria-labelledby="hotspots-title">
                <h2 id="hotspots-title">Preview and hotspots</h2>
                <HotspotEditor
                  key={`${asset.id}:${editorKey}`}
                  asset={{ ...asset, glb: asset.glb }}
                  title={product.title}
                  onReload={() => void loaded.reload().then(() => setEditorKey((k) => k + 1))}
                />
              </section>
            ) : null}
          </>
        ) : (
          <p data-testid="no-model">This product has no 3D model yet: upload one above.</p>
        )}
      </article>
    );
  }
  return (
    <>
      <AdminNav />
      {body}
    </>
  );
}

function CurrentModel({ asset }: { asset: AdminAsset }) {
  const locales = navigator.languages;
  return (
    <section className="panel" aria-labelledby="current-title" data-testid="current-model">
      <h2 id="current-title">The model shoppers see</h2>
      <div className="model-summary">
        {asset.poster && <img className="model-poster" src={asset.poster} alt="The model’s poster, shown before the 3D view loads" width={256} height={256} data-testid="poster" />}
        <dl className="model-facts">
          <div>
            <dt>Status</dt>
            <dd data-testid="asset-status">{statusWords(asset.status)}</dd>
          </div>
          {asset.bytes !== null && (
            <div>
              <dt>File</dt>
              <dd>{formatBytes(asset.bytes, locales)}</dd>
            </div>
          )}
          {asset.triangles !== null && (
            <div>
              <dt>Triangles</dt>
              <dd>{new Intl.NumberFormat(locales).format(asset.triangles)}</dd>
            </div>
          )}
          {asset.dimensions && (
            <div>
              <dt>Size</dt>
              <dd>{formatSize(asset.dimensions, 'cm', locales)}</dd>
            </div>
          )}
        </dl>
      </div>
      {asset.report ? <ModelReport report={asset.report} /> : <p className="field-hint">No processing report: this model was added without the asset pipeline (the demo catalog).</p>}
    </section>
  );
}

type Phase =
  | { readonly kind: 'idle' }
  | { readonly kind: 'uploading'; readonly filename: string; readonly sent: number }
  | { readonly kind: 'processing'; readonly uploadId: string; readonly filename: string; readonly status: AssetStatus | 'uploaded'; readonly since: number }
  | { readonly kind: 'ready'; readonly filename: string; readonly report?: AssetReport }
  | { readonly kind: 'failed'; readonly filename: string; readonly message: string; readonly report?: AssetReport };

function ModelUpload({ productId, hotspots, onReady }: { productId: string; hotspots: number; onReady(): void }) {
  const [phase, setPhase] = useState<Phase>(() => {
    const resumed = new URLSearchParams(location.search).get('upload');
    return resumed ? { kind: 'processing', uploadId: resumed, filename: '', status: 'uploaded', since: Date.now() } : { kind: 'idle' };
  });
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState('');
  const [now, setNow] = useState(Date.now());
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  const readyRef = useRef(onReady);
  readyRef.current = onReady;

  useEffect(() => () => abort.current?.abort(), []);

  // Follows processing until the asset is ready or failed; the address keeps the upload so a reload resumes here.
  const processingId = phase.kind === 'processing' ? phase.uploadId : null;
  useEffect(() => {
    if (!processingId) return;
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async (): Promise<void> => {
      try {
        const state = await getModelUpload(productId, processingId, ac.signal);
        if (ac.signal.aborted) return;
        setNow(Date.now());
        const status = state.asset?.status;
        if (status === 'ready') {
          setPhase({ kind: 'ready', filename: state.filename, ...(state.asset?.report ? { report: state.asset.report } : {}) });
          navigate(location.pathname, { replace: true });
          readyRef.current();
          return;
        }
        if (status === 'failed') {
          setPhase({ kind: 'failed', filename: state.filename, message: state.asset?.error ?? 'The model could not be processed.', ...(state.asset?.report ? { report: state.asset.report } : {}) });
          navigate(location.pathname, { replace: true });
          return;
        }
        setPhase((p) => (p.kind === 'processing' && p.uploadId === processingId ? { ...p, filename: state.filename, status: status ?? 'uploaded' } : p));
      } catch (err) {
        if (ac.signal.aborted) return;
        if (isNotFound(err)) {
          setPhase({ kind: 'failed', filename: '', message: 'That upload was not found.' });
          navigate(location.pathname, { replace: true });
          return;
        }
        // A failed poll (the network, a restart) is retried at the next tick.
      }
      timer = setTimeout(() => void check(), POLL_MS);
    };
    void check();
    return () => {
      ac.abort();
      clearTimeout(timer);
    };
  }, [productId, processingId]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!file) {
      setFileError('Choose a .glb file, or a .zip holding a .gltf with its files.');
      input.current?.focus();
      return;
    }
    setFileError('');
    const ac = new AbortController();
    abort.current = ac;
    const filename = file.name;
    setPhase({ kind: 'uploading', filename, sent: 0 });
    try {
      const ticket = await requestModelUpload(productId, { filename, contentType: uploadContentType(filename), size: file.size });
      await putFile(ticket, file, (sent) => setPhase({ kind: 'uploading', filename, sent }), ac.signal);
      const done = await completeModelUpload(productId, ticket.uploadId);
      navigate(`${location.pathname}?upload=${encodeURIComponent(ticket.uploadId)}`, { replace: true });
      setNow(Date.now());
      setPhase({ kind: 'processing', uploadId: ticket.uploadId, filename, status: done.asset.status, since: Date.now() });
      setFile(null);
      if (input.current) input.current.value = '';
    } catch (err) {
      if (ac.signal.aborted) return;
      setPhase({ kind: 'failed', filename, message: err instanceof Error ? err.message : errorMessage(err) });
    }
  };

  const busy = phase.kind === 'uploading' || phase.kind === 'processing';
  return (
    <form className="model-upload" onSubmit={(e) => void submit(e)} noValidate>
      <div className={`field${fileError ? ' field-invalid' : ''}`}>
        <label htmlFor="model-file">Model file</label>
        <p id="model-file-hint" className="field-hint">
          A .glb, or a .zip holding a .gltf with its .bin and textures. The shop checks it, makes it smaller without visible change, renders its poster,
          and shows it on the product page once ready; until then shoppers keep seeing the current model.
          {hotspots > 0 && ' The new model starts without hotspots: place them again on it.'}
        </p>
        <input
          ref={input}
          id="model-file"
          type="file"
          accept=".glb,.gltf,.zip,model/gltf-binary,model/gltf+json,application/zip"
          aria-describedby={`model-file-hint${fileError ? ' model-file-error' : ''}`}
          aria-invalid={fileError ? true : undefined}
          disabled={busy}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setFileError('');
          }}
        />
        {fileError && (
          <p id="model-file-error" className="field-error">
            {fileError}
          </p>
        )}
      </div>
      <button type="submit" className="button" disabled={busy}>
        Upload
      </button>
      <div className="upload-status" aria-live="polite" data-testid="upload-status">
        {phase.kind === 'uploading' && (
          <>
            <label htmlFor="upload-progress">
              Uploading {phase.filename}: {Math.floor(phase.sent * 100)} %
            </label>
            <progress id="upload-progress" max={100} value={Math.floor(phase.sent * 100)} data-testid="upload-progress" />
          </>
        )}
        {phase.kind === 'processing' && (
          <p data-testid="processing">
            <span className="spinner" aria-hidden="true" /> {phase.filename || 'Your model'}: {statusWords(phase.status)}
            {now > phase.since + 1000 && <> ({formatAge((now - phase.since) / 1000)} so far)</>}. This takes from a few seconds to a few minutes.
          </p>
        )}
        {phase.kind === 'ready' && <p className="form-success">{phase.filename} is ready: the product page shows it now.</p>}
      </div>
      {phase.kind === 'failed' && <FormError message={`${phase.filename ? `${phase.filename}: ` : ''}${phase.message}`} />}
      {phase.kind === 'failed' && phase.report && <ModelReport report={phase.report} />}
    </form>
  );
}

function statusWords(status: AssetStatus | 'uploaded'): string {
  switch (status) {
    case 'uploaded':
      return 'uploaded, waiting to be processed';
    case 'pending':
      return 'waiting to be processed';
    case 'processing':
      return 'processing (checking, optimising, rendering posters)';
    case 'ready':
      return 'ready';
    case 'failed':
      return 'failed';
  }
}
