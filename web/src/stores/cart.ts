// The shopper's cart as the server has it, plus whether the drawer is open. Every change answers with the whole
// cart, so the latest answer simply replaces the state; answers to superseded requests are dropped.
import { addCartLine, errorMessage, getCart, removeCartLine, setCartLineQuantity } from '../api.ts';
import type { Cart } from '../types.ts';
import { createStore, useStore } from './store.ts';

export interface CartState {
  readonly cart: Cart | null; // null until first loaded
  readonly open: boolean;
  readonly busy: boolean;
  readonly error: string | null;
}

const store = createStore<CartState>({ cart: null, open: false, busy: false, error: null });
let latest = 0;

async function apply(request: () => Promise<Cart>, opts: { open?: boolean; rethrow?: boolean } = {}): Promise<void> {
  const mine = ++latest;
  store.set((s) => ({ ...s, busy: true, error: null }));
  try {
    const cart = await request();
    if (mine === latest) store.set((s) => ({ ...s, cart, busy: false, open: opts.open ?? s.open }));
  } catch (err) {
    if (mine === latest) store.set((s) => ({ ...s, busy: false, error: opts.rethrow ? null : errorMessage(err) }));
    if (opts.rethrow) throw err;
  }
}

export const cartStore = {
  get: store.get,
  refresh: (): Promise<void> => apply(() => getCart()),
  /** Adds `quantity` of a variant and opens the drawer; rejects so the product page can show why it failed. */
  add: (variantId: string, quantity = 1): Promise<void> => apply(() => addCartLine(variantId, quantity), { open: true, rethrow: true }),
  setQuantity: (variantId: string, quantity: number): Promise<void> => apply(() => setCartLineQuantity(variantId, quantity)),
  remove: (variantId: string): Promise<void> => apply(() => removeCartLine(variantId)),
  open: (): void => store.set((s) => ({ ...s, open: true })),
  close: (): void => store.set((s) => ({ ...s, open: false, error: null })),
};

export const useCart = (): CartState => useStore(store);
