// Self-hosted <model-viewer>: decoders come from our own origin (unset locations default to public CDNs),
// and the library is loaded once, on demand, from /vendor so the app bundle stays small.

export const MODEL_VIEWER_SRC = '/vendor/model-viewer/model-viewer.min.js';

interface ModelViewerGlobalConfig {
  dracoDecoderLocation: string;
  ktx2TranscoderLocation: string;
  meshoptDecoderLocation: string;
}

declare global {
  // model-viewer reads this global when its module first evaluates.
  var ModelViewerElement: ModelViewerGlobalConfig | undefined;
}

let loading: Promise<void> | undefined;

/** Adds model-viewer's module script once; resolves when <model-viewer> is defined. */
export function loadModelViewer(): Promise<void> {
  if (loading) return loading;
  self.ModelViewerElement = {
    ...self.ModelViewerElement,
    dracoDecoderLocation: '/vendor/draco/',
    ktx2TranscoderLocation: '/vendor/basis/',
    meshoptDecoderLocation: '/vendor/meshopt/meshopt_decoder.cjs',
  };
  const defined = customElements.whenDefined('model-viewer').then(() => undefined);
  let failed: Promise<never> | undefined;
  if (!customElements.get('model-viewer') && !document.querySelector(`script[src="${MODEL_VIEWER_SRC}"]`)) {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = MODEL_VIEWER_SRC;
    failed = new Promise<never>((_, reject) => {
      script.addEventListener('error', () => {
        script.remove();
        loading = undefined; // let a later product page retry
        reject(new Error(`could not load ${MODEL_VIEWER_SRC}`));
      });
    });
    document.head.append(script);
  }
  loading = failed ? Promise.race([defined, failed]) : defined;
  return loading;
}

/** The parts of model-viewer's element API this app uses. */
export interface ModelViewerElementApi extends HTMLElement {
  loaded: boolean;
  variantName: string | null;
  availableVariants: string[];
  cameraTarget: string;
  cameraOrbit: string;
  /** The model's surface under a point of the page (client pixels), in model coordinates; null off the model. */
  positionAndNormalFromPoint(clientX: number, clientY: number): { position: Vector3D; normal: Vector3D } | null;
}

export interface Vector3D {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

export function isModelViewer(el: Element | null): el is ModelViewerElementApi {
  return !!el && el.localName === 'model-viewer' && 'variantName' in el;
}
