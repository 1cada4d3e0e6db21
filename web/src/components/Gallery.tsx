// The product gallery (its own chunk, loaded only for products with photos or videos): a row of thumbnails after
// the 3D view, and the stage that shows the chosen photo or video in the 3D view's frame (same size: nothing moves).
// Photos come as WebP renditions with srcset/sizes and are fetched lazily; videos show their poster frame and load
// nothing until played (preload="none"), with the browser's controls (play, mute, fullscreen). The thumbnails are
// buttons in a list: Tab reaches them, Enter/Space show one, the arrow keys move between them.
import type { KeyboardEvent } from 'react';
import type { MediaImage, ProductMediaItem } from '../types.ts';

/** The stage's width in the page's layout (.product's columns in styles.css). */
const SIZES = '(min-width: 900px) 55vw, 100vw';

export interface GalleryProps {
  readonly media: readonly ProductMediaItem[];
  /** -1: the 3D view (or the model's poster); otherwise the index of the item on the stage. */
  readonly shown: number;
  readonly onShow: (index: number) => void;
  readonly title: string;
  /** The 3D view's thumbnail (the model's poster), or null when the product has no model. */
  readonly model: { readonly poster: string | null; readonly live: boolean } | null;
  /** The photo standing in for the 3D view (without WebGL), the page's main image: fetched at once, not lazily. -1: none. */
  readonly eager: number;
}

export function Gallery({ media, shown, onShow, title, model, eager }: GalleryProps) {
  const item = shown >= 0 ? media[shown] : undefined;
  const alt = (m: ProductMediaItem, i: number): string => m.alt || `${title}, ${m.kind === 'video' ? 'video' : 'photo'} ${i + 1}`;
  const move = (e: KeyboardEvent<HTMLUListElement>): void => {
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    const buttons = [...e.currentTarget.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    e.preventDefault();
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };
  const thumb = (key: string, index: number, label: string, image: MediaImage | undefined, badge?: string) => (
    <li key={key}>
      <button type="button" className="gallery-thumb" aria-current={shown === index || undefined} aria-label={label} onClick={() => onShow(index)} data-testid="gallery-thumb">
        {image && <img src={image.url} alt="" width={64} height={64} loading="lazy" decoding="async" />}
        {badge && <span className="gallery-badge" aria-hidden="true">{badge}</span>}
      </button>
    </li>
  );
  const modelThumb =
    model && thumb('model', -1, model.live ? '3D view' : 'Picture of the model', model.poster ? { url: model.poster, width: 64, height: 64 } : undefined, model.live ? '3D' : undefined);

  return (
    <>
      {item && (
        <div className="viewer gallery-stage" data-testid="gallery-stage">
          {item.kind === 'video' && item.video ? (
            <video className="viewer-poster" controls preload="none" playsInline poster={item.images.at(-1)?.url} width={item.width} height={item.height} aria-label={alt(item, shown)} data-testid="gallery-video">
              <source src={item.video.url} type={item.video.type} />
            </video>
          ) : (
            <img
              className="viewer-poster"
              src={item.images.at(-1)?.url}
              srcSet={item.images.map((r) => `${r.url} ${r.width}w`).join(', ')}
              sizes={SIZES}
              alt={alt(item, shown)}
              width={item.width}
              height={item.height}
              loading={shown === eager ? 'eager' : 'lazy'}
              fetchPriority={shown === eager ? 'high' : undefined}
              decoding="async"
              data-testid="gallery-image"
            />
          )}
        </div>
      )}
      <ul className="gallery-thumbs" aria-label="Photos and videos" onKeyDown={move}>
        {model?.live && modelThumb}
        {media.map((m, i) => thumb(m.id, i, `${m.kind === 'video' ? 'Video' : 'Photo'} ${i + 1}: ${alt(m, i)}`, m.images[0], m.kind === 'video' ? '▶' : undefined))}
        {!model?.live && modelThumb}
      </ul>
    </>
  );
}
