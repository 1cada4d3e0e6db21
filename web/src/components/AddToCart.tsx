// Adds the chosen quantity of the picked variant to the cart, then opens the cart drawer (which takes focus).
import { useState } from 'react';
import { errorMessage } from '../api.ts';
import { cartStore } from '../stores/cart.ts';
import type { Variant } from '../types.ts';

export function AddToCart({ variant, quantity = 1 }: { variant: Variant | undefined; quantity?: number }) {
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const soldOut = !variant || variant.stock <= 0;

  const add = async (): Promise<void> => {
    if (!variant || soldOut || adding) return;
    setAdding(true);
    setError(null);
    try {
      await cartStore.add(variant.id, quantity);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setAdding(false);
    }
  };

  return (
    <div className="add-to-cart">
      <button
        type="button"
        className="button"
        onClick={() => void add()}
        disabled={soldOut}
        aria-disabled={adding || undefined}
        aria-describedby={error ? 'add-to-cart-error' : undefined}
        data-testid="add-to-cart"
      >
        {soldOut ? 'Sold out' : adding ? 'Adding…' : 'Add to cart'}
      </button>
      {error && (
        <p id="add-to-cart-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
