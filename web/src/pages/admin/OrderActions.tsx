// What a merchant can do with an order, offered only when the order's state allows it (src/domain/order.ts):
// fulfil a paid order, cancel one not yet shipped, refund what is left of a paid or shipped one. The server
// still decides: a 409 means someone else moved the order first, so the page reloads it.
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, cancelOrder, errorMessage, fulfilOrder, isNetworkError, newIdempotencyKey, refundOrder } from '../../api.ts';
import { Field, FormError } from '../../components/Field.tsx';
import { amountInput, fieldErrors, formatMoney, statusLabel, toMinorUnits } from '../../format.ts';
import type { AdminOrder, OrderStatus } from '../../types.ts';

interface ActionProps {
  readonly order: AdminOrder;
  readonly onDone: (order: AdminOrder, message: string) => void;
  /** Someone moved the order first: the page shows `message` and reloads the order. */
  readonly onConflict: (message: string) => void;
}

export function OrderActions(props: ActionProps) {
  const { order } = props;
  const left = order.total.amount - (order.refunded?.amount ?? 0);
  const canFulfil = order.status === 'paid';
  const canCancel = order.status === 'pending_payment' || order.status === 'paid';
  const canRefund = (order.status === 'paid' || order.status === 'fulfilled') && left > 0;
  if (!canFulfil && !canCancel && !canRefund) return <p className="note order-actions-none">Nothing more to do: this order is {statusLabel(order.status).toLowerCase()}.</p>;
  return (
    <div className="order-actions">
      {canFulfil && <FulfilForm {...props} />}
      {canRefund && <RefundForm {...props} left={left} />}
      {canCancel && <CancelForm {...props} left={order.status === 'paid' ? left : 0} />}
    </div>
  );
}

/** Runs an action and sorts its failure into a field error, a conflict (reload) or a form message. */
function useAction(props: ActionProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const run = async (act: () => Promise<{ order: AdminOrder; message: string }>): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const { order, message } = await act();
      props.onDone(order, message);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CONFLICT') {
        const current = (err.body as { error?: { currentStatus?: OrderStatus } } | undefined)?.error?.currentStatus;
        props.onConflict(`${err.message}${current ? ` (the order is now ${statusLabel(current).toLowerCase()})` : ''}. The order has been reloaded.`);
      } else if (err instanceof ApiError && err.status === 400) {
        const parsed = fieldErrors(err.message);
        setFields({ ...parsed.fields });
        setError(parsed.other.join(' ') || null);
      } else {
        setError(errorMessage(err));
      }
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, fields, run };
}

function ActionForm(props: { id: string; title: string; children: ReactNode; onSubmit(e: FormEvent): void; error: string | null; submit: ReactNode; busy: boolean; danger?: boolean }) {
  return (
    <form className="panel action-form stack" noValidate onSubmit={props.onSubmit} aria-labelledby={`${props.id}-title`}>
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      {props.children}
      <FormError message={props.error} />
      <button type="submit" className={`button${props.danger ? ' button-danger' : ''}`} aria-disabled={props.busy || undefined}>
        {props.submit}
      </button>
    </form>
  );
}

function FulfilForm(props: ActionProps) {
  const { busy, error, fields, run } = useAction(props);
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const m: Record<string, string> = {};
    if (!carrier.trim()) m.carrier = 'Enter the carrier, like UPS or Royal Mail';
    if (!tracking.trim()) m.trackingNumber = 'Enter the tracking number';
    setMissing(m);
    if (Object.keys(m).length > 0) return;
    void run(async () => ({
      order: await fulfilOrder(props.order.id, { carrier: carrier.trim(), trackingNumber: tracking.trim() }),
      message: 'The order is marked as shipped.',
    }));
  };
  return (
    <ActionForm id="fulfil" title="Fulfil" onSubmit={submit} error={error} busy={busy} submit={busy ? 'Saving…' : 'Mark as shipped'}>
      <Field id="carrier" label="Carrier" value={carrier} onChange={(e) => setCarrier(e.target.value)} error={missing.carrier ?? fields.carrier} required maxLength={60} />
      <Field id="tracking-number" label="Tracking number" value={tracking} onChange={(e) => setTracking(e.target.value)} error={missing.trackingNumber ?? fields.trackingNumber} required maxLength={100} />
    </ActionForm>
  );
}

function CancelForm(props: ActionProps & { left: number }) {
  const { busy, error, fields, run } = useAction(props);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const refundNote = props.left > 0 ? ` The customer gets ${formatMoney({ amount: props.left, currency: props.order.total.currency }, navigator.languages)} back.` : '';
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!confirming) return setConfirming(true);
    void run(async () => ({ order: await cancelOrder(props.order.id, reason.trim() ? { reason: reason.trim() } : {}), message: 'The order is cancelled.' }));
  };
  return (
    <ActionForm
      id="cancel"
      title="Cancel"
      onSubmit={submit}
      error={error}
      busy={busy}
      danger={confirming}
      submit={busy ? 'Cancelling…' : confirming ? 'Yes, cancel this order' : 'Cancel order…'}
    >
      <p className="note">Puts the items back in stock.{refundNote}</p>
      <Field id="cancel-reason" label="Reason" optional value={reason} onChange={(e) => setReason(e.target.value)} error={fields.reason} maxLength={500} />
      {confirming && (
        <p className="warning" role="status">
          Press the button again to cancel order #{props.order.number}. This cannot be undone.
        </p>
      )}
    </ActionForm>
  );
}

function RefundForm(props: ActionProps & { left: number }) {
  const { busy, error, fields, run } = useAction(props);
  const currency = props.order.total.currency;
  const leftMoney = { amount: props.left, currency };
  const [amount, setAmount] = useState(() => amountInput(leftMoney));
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  // One key per refund attempt; the same refund re-sent after a network error keeps it (never refunded twice).
  const attempt = useRef<{ key: string; body: string } | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const minor = toMinorUnits(amount, currency);
    if (minor === undefined || minor > props.left) {
      setInvalid(`Enter an amount above 0 and at most ${formatMoney(leftMoney, navigator.languages)}`);
      return;
    }
    setInvalid(undefined);
    const body = { amount: minor, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    const text = JSON.stringify(body);
    const key = attempt.current?.body === text ? attempt.current.key : newIdempotencyKey();
    attempt.current = { key, body: text };
    const shown = formatMoney({ amount: minor, currency }, navigator.languages);
    void run(async () => {
      try {
        const { status, body: order } = await refundOrder(props.order.id, body, key);
        attempt.current = null;
        return { order, message: status === 202 ? `The refund of ${shown} is waiting for the payment provider; the shop completes it shortly.` : `Refunded ${shown}.` };
      } catch (err) {
        // Only a refund whose outcome is unknown may be sent again under the same key.
        if (!isNetworkError(err) && !(err instanceof ApiError && err.code === 'IN_PROGRESS')) attempt.current = null;
        throw err;
      }
    });
  };

  return (
    <ActionForm id="refund" title="Refund" onSubmit={submit} error={error} busy={busy} submit={busy ? 'Refunding…' : 'Refund'}>
      <Field
        id="refund-amount"
        label={`Amount (${currency})`}
        inputMode="decimal"
        hint={`Up to ${formatMoney(leftMoney, navigator.languages)} is left to refund.`}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        error={invalid ?? fields.amount}
        required
      />
      <Field id="refund-reason" label="Reason" optional value={reason} onChange={(e) => setReason(e.target.value)} error={fields.reason} maxLength={500} />
    </ActionForm>
  );
}
