// One option (e.g. "Colour") as a labelled radio group: native radios give keyboard and screen-reader
// behaviour for free; CSS draws them as chips.
import type { ProductOption, Variant } from '../types.ts';
import { isOffered, pickVariant } from '../format.ts';

export function OptionPicker(props: {
  option: ProductOption;
  current: Variant | undefined;
  variants: readonly Variant[];
  onPick(value: string): void;
}) {
  const { option, current, variants, onPick } = props;
  const value = current?.options[option.name];
  const id = `opt-${option.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <fieldset className="picker" data-testid={`option-${option.name}`}>
      <legend>
        {option.name}: <span className="picked">{value ?? 'choose'}</span>
      </legend>
      <div className="picker-values">
        {option.values.map((v) => {
          const offered = isOffered(variants, option.name, v);
          // Sold out = the variant this chip would pick has no stock (still selectable, to see it in 3D).
          const target = offered && current ? pickVariant(variants, current, option.name, v) : undefined;
          const soldOut = !!target && target.stock <= 0;
          return (
            <label key={v} className="chip-radio">
              <input
                type="radio"
                name={id}
                value={v}
                checked={v === value}
                disabled={!offered}
                onChange={() => onPick(v)}
              />
              <span className="chip-face">
                <span>{v}</span>
                {soldOut && <small className="soldout">sold out</small>}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
