// − [n] + for a cart line. The buttons change at once; typed numbers are sent when the field is left or Enter
// is pressed, so typing "12" does not send 1 and then 12. While a change is in flight the controls are
// aria-disabled rather than disabled: a disabled button would drop keyboard focus.
import { useEffect, useState, type KeyboardEvent } from 'react';

export const MAX_QUANTITY = 99; // src/domain/cart.ts MAX_LINE_QUANTITY

export function QuantityStepper(props: { id: string; label: string; value: number; busy?: boolean; onChange(quantity: number): void }) {
  const { id, label, value, busy, onChange } = props;
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);

  const change = (n: number): void => {
    if (!busy && n >= 1 && n <= MAX_QUANTITY) onChange(n);
  };
  const commit = (): void => {
    const n = Number(text);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_QUANTITY) {
      if (n !== value) change(n);
    } else {
      setText(String(value)); // out of range: put back what the cart has
    }
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    }
  };

  return (
    <div className="stepper" role="group" aria-label={label}>
      <button type="button" className="stepper-button" aria-label={`Decrease ${lower(label)}`} aria-disabled={busy || value <= 1} onClick={() => change(value - 1)}>
        <span aria-hidden="true">−</span>
      </button>
      <input
        id={id}
        className="stepper-input"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_QUANTITY}
        step={1}
        aria-label={label}
        value={text}
        readOnly={busy}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={onKey}
      />
      <button type="button" className="stepper-button" aria-label={`Increase ${lower(label)}`} aria-disabled={busy || value >= MAX_QUANTITY} onClick={() => change(value + 1)}>
        <span aria-hidden="true">+</span>
      </button>
    </div>
  );
}

const lower = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
