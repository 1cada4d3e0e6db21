import type { ProductStatus } from '../../types.ts';

const LABELS: Readonly<Record<ProductStatus, string>> = { published: 'Published', draft: 'Draft', archived: 'Archived' };

export function ProductStatusBadge({ status }: { status: ProductStatus }) {
  return <span className={`badge badge-product-${status}`}>{LABELS[status]}</span>;
}
