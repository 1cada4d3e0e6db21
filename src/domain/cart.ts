// Cart rules: plain functions over lines. Prices are never stored in a cart: they are recomputed from the
// catalog every time a cart is shown or checked out, so a client can never name its own price.

export const MAX_LINE_QUANTITY = 99;
export const MAX_CART_LINES = 100;

export interface CartLine {
  readonly variantId: string;
  readonly productId: string;
  readonly quantity: number;
}

export class CartRuleError extends Error {
  readonly code = 'INVALID_DATA';
}

export function assertQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
    throw new CartRuleError(`quantity: must be a whole number from 1 to ${MAX_LINE_QUANTITY}, got ${quantity}`);
  }
}

/** Adds to a line (or creates it). Adding past the cap is refused rather than silently trimmed. */
export function addLine(lines: readonly CartLine[], add: CartLine): CartLine[] {
  assertQuantity(add.quantity);
  const existing = lines.find((l) => l.variantId === add.variantId);
  if (!existing) {
    if (lines.length >= MAX_CART_LINES) throw new CartRuleError(`cart: at most ${MAX_CART_LINES} different items`);
    return [...lines, add];
  }
  const quantity = existing.quantity + add.quantity;
  if (quantity > MAX_LINE_QUANTITY) {
    throw new CartRuleError(`quantity: at most ${MAX_LINE_QUANTITY} of one item (the cart already has ${existing.quantity})`);
  }
  return lines.map((l) => (l.variantId === add.variantId ? { ...l, quantity } : l));
}

/** Sets a line's quantity; 0 removes it. */
export function setLine(lines: readonly CartLine[], variantId: string, quantity: number): CartLine[] {
  if (quantity === 0) return lines.filter((l) => l.variantId !== variantId);
  assertQuantity(quantity);
  if (!lines.some((l) => l.variantId === variantId)) throw new CartRuleError(`cart: no line for variant ${variantId}`);
  return lines.map((l) => (l.variantId === variantId ? { ...l, quantity } : l));
}

/**
 * A guest's cart joins the customer's at log-in: quantities of the same variant add up, capped at the line
 * maximum (merging must never fail a log-in), and the customer's lines keep their order.
 */
export function mergeLines(into: readonly CartLine[], from: readonly CartLine[]): CartLine[] {
  const out = into.map((l) => ({ ...l }));
  for (const g of from) {
    const same = out.find((l) => l.variantId === g.variantId);
    if (same) same.quantity = Math.min(MAX_LINE_QUANTITY, same.quantity + g.quantity) as number;
    else if (out.length < MAX_CART_LINES) out.push({ ...g });
  }
  return out;
}
