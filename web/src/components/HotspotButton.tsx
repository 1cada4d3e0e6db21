// One hotspot on a <model-viewer>: a real button in the viewer's `hotspot-<id>` slot, placed by data-position and
// data-normal (model coordinates). model-viewer dims it while it faces away, and shows it fully again when it has
// the keyboard focus. Plain attributes only: nothing the shop's CSP refuses. Shared by the product page and the
// merchant's hotspot editor.
import type { Hotspot } from '../types.ts';

export function HotspotButton({ hotspot, onClick, current }: { hotspot: Hotspot; onClick?: () => void; current?: boolean }) {
  return (
    <button
      type="button"
      className={current ? 'hotspot hotspot-current' : 'hotspot'}
      slot={`hotspot-${hotspot.id}`}
      data-position={hotspot.position.map((v) => `${v}m`).join(' ')}
      data-normal={hotspot.normal.join(' ')}
      data-visibility-attribute="visible"
      data-testid="hotspot"
      onClick={onClick}
    >
      <span className="hotspot-dot" aria-hidden="true" />
      <span className="hotspot-label">{hotspot.label}</span>
    </button>
  );
}
