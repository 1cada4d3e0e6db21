// The product's 3D view, in a chunk of its own that the product page loads after showing the poster. Loads
// model-viewer on first use, which fetches the model once the view is on screen (loading="lazy") and keeps the
// poster up until the model is ready. Drives the material variant through `variantName`, so picking a colour
// re-skins the model live without reloading it. Around it: the size in cm or inches, and a fullscreen button.
// The model turns on its own until the shopper turns or zooms it (never for those who ask for reduced motion).
// The merchant's hotspots are buttons in model-viewer's hotspot slots, anchored to the model; choosing one turns
// the camera towards it.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { formatSize, UNITS, type Unit } from '../format.ts';
import { HotspotButton } from './HotspotButton.tsx';
import { isModelViewer, loadModelViewer, type ModelViewerElementApi } from '../model-viewer.ts';
import type { Hotspot, ProductModel } from '../types.ts';

export interface ModelViewerProps {
  model: ProductModel;
  alt: string;
  variantName?: string;
  unit: Unit;
  onUnit(unit: Unit): void;
}

export function ModelViewer({ model, alt, variantName, unit, onUnit }: ModelViewerProps) {
  const frame = useRef<HTMLDivElement>(null);
  const ref = useRef<HTMLElement>(null);
  const [failed, setFailed] = useState(false);
  const [scriptFailed, setScriptFailed] = useState(false);
  const [rotate, setRotate] = useState(() => !matchMedia('(prefers-reduced-motion: reduce)').matches);
  const full = useFullscreen(frame);

  useEffect(() => {
    let live = true;
    loadModelViewer().catch(() => live && setScriptFailed(true));
    return () => {
      live = false;
    };
  }, []);

  // Events come from the custom element as DOM events; React's onError is for built-in elements only.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onError = (): void => setFailed(true);
    const onLoad = (): void => setFailed(false);
    // Dragging, zooming or the arrow keys: the shopper has taken the model in hand, so it stops turning by itself.
    const onCamera = (e: Event): void => {
      if ((e as CustomEvent<{ source?: string }>).detail?.source === 'user-interaction') setRotate(false);
    };
    el.addEventListener('error', onError);
    el.addEventListener('load', onLoad);
    el.addEventListener('camera-change', onCamera);
    return () => {
      el.removeEventListener('error', onError);
      el.removeEventListener('load', onLoad);
      el.removeEventListener('camera-change', onCamera);
    };
  }, []);

  // Only names the file actually has: an unknown name would leave the previous material in place.
  const wanted = variantName && model.variants.includes(variantName) ? variantName : null;
  useEffect(() => {
    let live = true;
    void customElements.whenDefined('model-viewer').then(() => {
      const el = ref.current;
      if (live && isModelViewer(el) && el.variantName !== wanted) el.variantName = wanted;
    });
    return () => {
      live = false;
    };
  }, [wanted]);

  // The camera turns to look at the hotspot from its outward side; the turntable stops, as for any interaction.
  const showHotspot = (h: Hotspot): void => {
    const el = ref.current;
    if (!isModelViewer(el)) return;
    setRotate(false);
    lookAt(el, h);
  };

  const broken = scriptFailed || failed;
  return (
    <div className={full.active ? 'viewer viewer-full' : 'viewer'} ref={frame} data-testid="viewer">
      {/* The poster stays under the viewer until model-viewer is defined and paints its own (the same image). */}
      {model.poster && <img className="viewer-poster" src={model.poster} alt={scriptFailed ? alt : ''} width={1024} height={1024} />}
      {!scriptFailed && (
        <model-viewer
          ref={ref}
          data-testid="model-viewer"
          src={model.glb}
          poster={model.poster ?? undefined}
          alt={alt}
          camera-controls
          touch-action="pan-y"
          auto-rotate={rotate || undefined}
          ar
          ar-modes="webxr scene-viewer quick-look"
          {...(model.usdz ? { 'ios-src': model.usdz } : {})}
          shadow-intensity="1"
          environment-image="neutral"
          exposure={1}
          loading="lazy"
          reveal="auto"
        >
          {model.hotspots?.map((h) => (
            <HotspotButton key={h.id} hotspot={h} onClick={() => showHotspot(h)} />
          ))}
          {/* model-viewer shows this slot only where AR is available (phones). */}
          <button type="button" slot="ar-button" className="ar-button">
            View in your space
          </button>
        </model-viewer>
      )}
      {model.dimensions && (
        <div className="dims" role="group" aria-label="Size">
          <p className="dims-text" data-testid="dimensions" aria-live="polite">
            {formatSize(model.dimensions, unit, navigator.languages)}
          </p>
          <div className="units" role="group" aria-label="Units">
            {UNITS.map((u) => (
              <button key={u} type="button" className="unit" aria-pressed={u === unit} aria-label={`${u}, ${u === 'cm' ? 'centimetres' : 'inches'}`} onClick={() => onUnit(u)}>
                {u}
              </button>
            ))}
          </div>
        </div>
      )}
      {!broken && (
        <button type="button" className="viewer-tool" onClick={full.toggle} aria-label={full.active ? 'Exit fullscreen' : 'View fullscreen'} title={full.active ? 'Exit fullscreen (Esc)' : 'Fullscreen'} data-testid="fullscreen">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d={full.active ? 'M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5' : 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5'} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      )}
      {broken && (
        <p className="viewer-error" role="status">
          The 3D view could not be loaded. The photo shows the product.
        </p>
      )}
    </div>
  );
}

/** Points the camera at a hotspot, from the side its normal faces, keeping the current distance. */
function lookAt(el: ModelViewerElementApi, h: Hotspot): void {
  const [x, y, z] = h.position;
  const [nx, ny, nz] = h.normal;
  el.cameraTarget = `${x}m ${y}m ${z}m`;
  const theta = Math.atan2(nx, nz);
  const phi = Math.acos(Math.max(-1, Math.min(1, ny)));
  // Never straight from above or below: the orbit's poles make a poor view.
  const clampedPhi = Math.min(Math.max(phi, 0.35), Math.PI - 0.35);
  el.cameraOrbit = `${theta}rad ${clampedPhi}rad auto`;
}

/**
 * The frame fills the screen: the Fullscreen API where there is one (Esc leaves, as the browser says), else the
 * frame covers the window (Safari on iPhone has no element fullscreen) and Esc or the button leaves.
 */
function useFullscreen(frame: RefObject<HTMLElement | null>): { active: boolean; toggle(): void } {
  const native = document.fullscreenEnabled === true && typeof HTMLElement.prototype.requestFullscreen === 'function';
  const [active, setActive] = useState(false);

  useEffect(() => {
    if (!native) return;
    const onChange = (): void => setActive(document.fullscreenElement === frame.current && frame.current !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [native, frame]);

  useEffect(() => {
    if (native || !active) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setActive(false);
    };
    document.addEventListener('keydown', onKey);
    document.documentElement.classList.add('no-scroll');
    return () => {
      document.removeEventListener('keydown', onKey);
      document.documentElement.classList.remove('no-scroll');
    };
  }, [native, active]);

  const toggle = (): void => {
    if (!native) return setActive((a) => !a);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else frame.current?.requestFullscreen().catch(() => setActive(false));
  };
  return { active, toggle };
}
