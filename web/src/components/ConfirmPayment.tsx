// The extra step some cards need (3-D Secure): the shopper confirms, and the shop asks the gateway how it went.
// The test gateway treats the step as done; a real one would show its own challenge first.
import { useEffect, useRef, useState } from 'react';
import { ApiError, confirmPayment, errorMessage } from '../api.ts';
import { formatMoney } from '../format.ts';
import type { Order } from '../types.ts';

export function ConfirmPayment(props: { order: Order; onPaid(order: Order): void; onDeclined?(): void; headingLevel?: 1 | 2; autoFocus?: boolean }) {
  const { order, onPaid, onDeclined } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [declined, setDeclined] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const autoFocus = props.autoFocus ?? true;
  // Shown in place of the checkout form: move focus to it, or keyboard users are left on a vanished button.
  useEffect(() => {
    if (autoFocus) heading.current?.focus();
  }, [autoFocus]);

  const confirm = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const { status, body } = await confirmPayment(order.id);
      if (status === 202) setError('Your bank has not confirmed the payment yet. Try again in a moment.');
      else onPaid(body.order);
    } catch (err) {
      setDeclined(err instanceof ApiError && err.status === 402);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const H = props.headingLevel === 2 ? 'h2' : 'h1';
  return (
    <section className="confirm-payment panel" aria-labelledby="confirm-title" data-testid="confirm-payment">
      <H id="confirm-title" ref={heading} tabIndex={-1}>
        Confirm your payment
      </H>
      <p>
        Your bank asks you to confirm the payment of <strong>{formatMoney(order.total, navigator.languages)}</strong> for order #{order.number}.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        {!declined && (
          <button type="button" className="button" onClick={() => void confirm()} aria-disabled={busy || undefined}>
            {busy ? 'Confirming…' : 'Confirm payment'}
          </button>
        )}
        {declined && onDeclined && (
          <button type="button" className="button" onClick={onDeclined}>
            Use another card
          </button>
        )}
      </div>
    </section>
  );
}
