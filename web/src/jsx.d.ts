// JSX typing for <model-viewer>: attributes are set as written (React 19 assigns known element properties
// and sets the rest as attributes). Events are wired with addEventListener in ModelViewer.tsx.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

interface ModelViewerAttributes extends HTMLAttributes<HTMLElement> {
  src: string;
  poster?: string;
  alt: string;
  ar?: boolean;
  'ar-modes'?: string;
  'ios-src'?: string;
  'camera-controls'?: boolean;
  'touch-action'?: 'pan-y' | 'pan-x' | 'none';
  'auto-rotate'?: boolean;
  'shadow-intensity'?: string;
  'environment-image'?: string;
  exposure?: number;
  loading?: 'auto' | 'lazy' | 'eager';
  reveal?: 'auto' | 'manual';
  'interaction-prompt'?: 'auto' | 'none';
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'model-viewer': DetailedHTMLProps<ModelViewerAttributes, HTMLElement>;
    }
  }
}
