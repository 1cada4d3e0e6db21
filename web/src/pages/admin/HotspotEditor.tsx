// The hotspot editor: the model in <model-viewer> with its hotspots; a click on the model (not a drag, which turns
// it) places a hotspot where the click lands (model-viewer's positionAndNormalFromPoint gives the point and the
// surface's direction in model coordinates), and its label field takes the focus. Each hotspot can be relabelled,
// moved (choose Move, then click the model) or deleted; Save replaces the stored list in one request, refused with
// 409 when someone saved since this list was loaded.
import { useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../../api.ts';
import { Field, FormError } from '../../components/Field.tsx';
import { HotspotButton } from '../../components/HotspotButton.tsx';
import { isModelViewer, loadModelViewer } from '../../model-viewer.ts';
import type { Hotspot } from '../../types.ts';
import { saveHotspots, type AdminAsset } from './model-api.ts';

const MAX_HOTSPOTS = 24;
const MAX_LABEL = 80;
/** Pointer travel (px) above which a press is a drag that turned the model, not a click on it. */
const DRAG_PX = 6;

type Editable = { id: string; label: string; position: readonly [number, number, number]; normal: readonly [number, number, number] };

export function HotspotEditor({ asset, title, onReload }: { asset: AdminAsset & { glb: string }; title: string; onReload(): void }) {
  const viewer = useRef<HTMLElement>(null);
  const [list, setList] = useState<Editable[]>(() => asset.hotspots.map(copy));
  const [saved, setSaved] = useState<readonly Hotspot[]>(asset.hotspots);
  const [version, setVersion] = useState(asset.hotspotsVersion);
  const [moving, setMoving] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [notice, setNotice] = useState('');
  const [alert, setAlert] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const [scriptFailed, setScriptFailed] = useState(false);
  const focusNext = useRef<string | null>(null);
  // The click listener is attached once; it calls the latest render's placeAt through this.
  const placeRef = useRef<(clientX: number, clientY: number) => void>(() => {});

  useEffect(() => {
    let live = true;
    loadModelViewer().catch(() => live && setScriptFailed(true));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(labelId(focusNext.current))?.focus();
    focusNext.current = null;
  });

  useEffect(() => {
    const el = viewer.current;
    if (!el) return;
    let down: { x: number; y: number } | null = null;
    const onDown = (e: PointerEvent): void => {
      down = { x: e.clientX, y: e.clientY };
    };
    const onClick = (e: MouseEvent): void => {
      if (e.target instanceof Element && e.target.closest('.hotspot')) return; // a hotspot's own button
      if (down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > DRAG_PX) return;
      placeRef.current(e.clientX, e.clientY);
    };
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('click', onClick);
    return () => {
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('click', onClick);
    };
  }, [scriptFailed]);

  /** Places a new hotspot (or the one being moved) where the model is under this point of the page. */
  const placeAt = (clientX: number, clientY: number): void => {
    const el = viewer.current;
    if (!isModelViewer(el) || !el.loaded) {
      setNotice('The model is still loading.');
      return;
    }
    const hit = el.positionAndNormalFromPoint(clientX, clientY);
    if (!hit) {
      setNotice('That point is not on the model: click the model itself to place a hotspot.');
      return;
    }
    const position = [hit.position.x, hit.position.y, hit.position.z] as const;
    const normal = [hit.normal.x, hit.normal.y, hit.normal.z] as const;
    if (moving) {
      setList(list.map((h) => (h.id === moving ? { ...h, position, normal } : h)));
      setMoving(null);
      setSelected(moving);
      focusNext.current = moving;
      setNotice('Hotspot moved. Save to keep it.');
      return;
    }
    if (list.length >= MAX_HOTSPOTS) {
      setNotice(`A model has at most ${MAX_HOTSPOTS} hotspots: delete one to place another.`);
      return;
    }
    const id = newHotspotId(list);
    setList([...list, { id, label: '', position, normal }]);
    setSelected(id);
    focusNext.current = id;
    setNotice(`Hotspot ${list.length + 1} placed: type its label.`);
  };
  placeRef.current = placeAt;

  /** For the keyboard: turn the model with the arrow keys, then place at the middle of the view. */
  const placeAtCentre = (): void => {
    const r = viewer.current?.getBoundingClientRect();
    if (r) placeAt(r.x + r.width / 2, r.y + r.height / 2);
  };

  const dirty = JSON.stringify(list.map(copy)) !== JSON.stringify(saved.map(copy));

  const update = (id: string, label: string): void => {
    setList(list.map((h) => (h.id === id ? { ...h, label } : h)));
    if (errors[id]) setErrors({ ...errors, [id]: '' });
  };
  const remove = (index: number): void => {
    const h = list[index]!;
    const rest = list.filter((x) => x.id !== h.id);
    setList(rest);
    if (moving === h.id) setMoving(null);
    setNotice(`Hotspot ${index + 1}${h.label.trim() ? ` (${h.label.trim()})` : ''} deleted. Save to keep the change.`);
    // Keep the keyboard in the list: the next hotspot's label, else the previous one's.
    const next = rest[index] ?? rest[index - 1];
    if (next) focusNext.current = next.id;
  };

  const save = async (): Promise<void> => {
    const found: Record<string, string> = {};
    for (const h of list) {
      const label = h.label.trim();
      if (!label) found[h.id] = 'Type a label, e.g. Soft-close hinge';
      else if ([...label].length > MAX_LABEL) found[h.id] = `At most ${MAX_LABEL} characters`;
    }
    setErrors(found);
    const firstBad = list.find((h) => found[h.id]);
    if (firstBad) {
      setAlert('Some hotspots need a label.');
      document.getElementById(labelId(firstBad.id))?.focus();
      return;
    }
    setSaving(true);
    setAlert(null);
    setNotice('');
    try {
      const answer = await saveHotspots(asset.id, version, list.map((h) => ({ ...h, label: h.label.trim() })));
      setVersion(answer.asset.version);
      setSaved(answer.asset.hotspots);
      setList(answer.asset.hotspots.map(copy));
      setNotice(answer.asset.hotspots.length === 1 ? 'Saved: 1 hotspot is on the product page.' : `Saved: ${answer.asset.hotspots.length} hotspots are on the product page.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'STALE') {
        setStale(true);
        setAlert('Someone else saved hotspots for this model meanwhile. Reload to see theirs (your changes here are not saved).');
      } else {
        setAlert(errorMessage(err));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="hotspot-editor">
      <div className="viewer viewer-editor" data-testid="preview">
        {asset.poster && <img className="viewer-poster" src={asset.poster} alt="" width={1024} height={1024} />}
        {scriptFailed ? (
          <p className="viewer-error" role="status">
            The 3D preview could not be loaded.
          </p>
        ) : (
          <model-viewer
            ref={viewer}
            data-testid="model-viewer"
            src={asset.glb}
            poster={asset.poster ?? undefined}
            alt={`3D preview of ${title}: click the model to place a hotspot`}
            camera-controls
            interaction-prompt="none"
            shadow-intensity="1"
            environment-image="neutral"
            exposure={1}
            loading="eager"
            reveal="auto"
            className={moving ? 'placing' : undefined}
          >
            {list.map((h) => (
              <HotspotButton
                key={h.id}
                hotspot={{ ...h, label: h.label.trim() || 'New hotspot' }}
                current={h.id === selected}
                onClick={() => {
                  setSelected(h.id);
                  focusNext.current = h.id;
                  setNotice('');
                }}
              />
            ))}
          </model-viewer>
        )}
      </div>
      <div className="hotspot-side">
        <p className="field-hint" id="hotspot-help">
          Click the model to place a hotspot (drag to turn it, scroll to zoom; with the keyboard, turn it with the arrow keys and place at the centre), then type its
          label. {list.length} of {MAX_HOTSPOTS} used.
        </p>
        <button type="button" className="button button-secondary button-small" onClick={placeAtCentre} disabled={scriptFailed}>
          {moving ? 'Move it to the centre of the view' : 'Place at the centre of the view'}
        </button>
        <p className="form-success" role="status" data-testid="hotspot-notice">
          {notice}
        </p>
        <FormError message={alert} />
        {stale && (
          <button type="button" className="button button-secondary button-small" onClick={onReload}>
            Reload hotspots
          </button>
        )}
        {list.length > 0 && (
          <ol className="hotspot-list" aria-label="Hotspots" data-testid="hotspot-list">
            {list.map((h, i) => (
              <li key={h.id} className={h.id === selected ? 'hotspot-item hotspot-item-current' : 'hotspot-item'} data-hotspot-id={h.id}>
                <Field
                  id={labelId(h.id)}
                  label={`Hotspot ${i + 1} label`}
                  value={h.label}
                  maxLength={MAX_LABEL}
                  required
                  placeholder="e.g. Soft-close hinge"
                  error={errors[h.id] || undefined}
                  onChange={(e) => update(h.id, e.target.value)}
                  onFocus={() => setSelected(h.id)}
                />
                <div className="hotspot-actions">
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-pressed={moving === h.id}
                    onClick={() => {
                      setMoving(moving === h.id ? null : h.id);
                      setSelected(h.id);
                      setNotice(moving === h.id ? '' : `Click the model where hotspot ${i + 1} should go.`);
                    }}
                  >
                    {moving === h.id ? 'Cancel move' : 'Move'}
                  </button>
                  <button type="button" className="button button-danger-outline button-small" onClick={() => remove(i)} aria-label={`Delete hotspot ${i + 1}${h.label.trim() ? ` (${h.label.trim()})` : ''}`}>
                    Delete
                  </button>
                </div>
              </li>
            ))}
          </ol>
        )}
        <button type="button" className="button" onClick={() => void save()} disabled={saving || !dirty} aria-disabled={saving || undefined}>
          {saving ? 'Saving…' : 'Save hotspots'}
        </button>
        {dirty && !saving && <p className="field-hint">Unsaved changes.</p>}
      </div>
    </div>
  );
}

const labelId = (id: string): string => `hotspot-label-${id}`;

function copy(h: Editable | Hotspot): Editable {
  const vec = ([x, y, z]: readonly [number, number, number]) => [x, y, z] as const;
  return { id: h.id, label: h.label, position: vec(h.position), normal: vec(h.normal) };
}

/** A short id the API accepts (lowercase letters, digits, hyphens) and no other hotspot of the list has. */
function newHotspotId(list: readonly { id: string }[]): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(4));
    const id = `h-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    if (!list.some((h) => h.id === id)) return id;
  }
}
