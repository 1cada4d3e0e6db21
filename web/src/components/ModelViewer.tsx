// The product's 3D view. Loads model-viewer on first use and drives its material variant through the
// `variantName` property, so picking a colour re-skins the model live without reloading it.
import { useEffect, useRef, useState } from 'react';
import { isModelViewer, loadModelViewer } from '../model-viewer.ts';
import type { ProductModel } from '../types.ts';

export function ModelViewer({ model, alt, variantName }: { model: ProductModel; alt: string; variantName?: string }) {
  const ref = useRef<HTMLElement>(null);
  const [failed, setFailed] = useState(false);
  const [scriptFailed, setScriptFailed] = useState(false);

  useEffect(() => {
    let live = true;
    loadModelViewer().catch(() => live && setScriptFailed(true));
    return () => {
      live = false;
    };
  }, []);

  // Errors come as a DOM event from the custom element; React's onError is for built-in elements only.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onError = (): void => setFailed(true);
    const onLoad = (): void => setFailed(false);
    el.addEventListener('error', onError);
    el.addEventListener('load', onLoad);
    return () => {
      el.removeEventListener('error', onError);
      el.removeEventListener('load', onLoad);
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

  if (scriptFailed) {
    return (
      <div className="viewer">
        {model.poster && <img className="viewer-fallback" src={model.poster} alt={alt} width={1024} height={1024} />}
        <p className="viewer-error" role="status">
          The 3D view could not be loaded. The photo shows the product.
        </p>
      </div>
    );
  }
  return (
    <div className="viewer">
      <model-viewer
        ref={ref}
        data-testid="model-viewer"
        src={model.glb}
        poster={model.poster ?? undefined}
        alt={alt}
        camera-controls
        touch-action="pan-y"
        auto-rotate
        ar
        ar-modes="webxr scene-viewer quick-look"
        {...(model.usdz ? { 'ios-src': model.usdz } : {})}
        shadow-intensity="1"
        environment-image="neutral"
        exposure={1}
        loading="eager"
        reveal="auto"
      >
        {/* model-viewer shows this slot only where AR is available (phones). */}
        <button type="button" slot="ar-button" className="ar-button">
          View in your space
        </button>
      </model-viewer>
      {failed && (
        <p className="viewer-error" role="status">
          The 3D view could not be loaded. The photo shows the product.
        </p>
      )}
    </div>
  );
}
