// Saved addresses: add, edit, delete, and pick the default that checkout fills in.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { addressProblems, defaultCountry, emptyAddress, toAddress, toDraft, type AddressDraft } from '../../address.ts';
import { ApiError, createAddress, deleteAddress, errorMessage, getAddresses, isUnauthenticated, updateAddress } from '../../api.ts';
import { AddressFields, type AddressErrors } from '../../components/AddressFields.tsx';
import { Field, FormError, focusFirstInvalid } from '../../components/Field.tsx';
import { AddressBlock } from '../../components/OrderParts.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { fieldErrors } from '../../format.ts';
import { sessionStore } from '../../stores/session.ts';
import type { SavedAddress } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';

export function AddressBook() {
  const list = useAsync((signal) => getAddresses(signal), []);
  const failed = list.status === 'error' ? list.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);
  return (
    <section aria-labelledby="addresses-title" className="panel">
      <h2 id="addresses-title">Addresses</h2>
      {list.status === 'loading' && <Loading label="Loading your addresses…" />}
      {list.status === 'error' && <ErrorState error={list.error} onRetry={list.retry} />}
      {list.status === 'ready' && <AddressList initial={list.data.items} />}
    </section>
  );
}

type Editing = { readonly kind: 'new' } | { readonly kind: 'edit'; readonly item: SavedAddress } | null;

function AddressList({ initial }: { initial: readonly SavedAddress[] }) {
  const [items, setItems] = useState(initial);
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  // Only one address is the default: the server moves the flag, the list mirrors it.
  const saved = (item: SavedAddress): void => {
    setItems((prev) => {
      const rest = prev.filter((a) => a.id !== item.id).map((a) => (item.isDefault ? { ...a, isDefault: false } : a));
      const at = prev.findIndex((a) => a.id === item.id);
      return at < 0 ? [...rest, item] : [...rest.slice(0, at), item, ...rest.slice(at)];
    });
    setEditing(null);
    requestAnimationFrame(() => addButton.current?.focus());
  };
  const remove = async (item: SavedAddress): Promise<void> => {
    setError(null);
    try {
      await deleteAddress(item.id);
      setItems((prev) => prev.filter((a) => a.id !== item.id));
      requestAnimationFrame(() => addButton.current?.focus());
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const makeDefault = async (item: SavedAddress): Promise<void> => {
    setError(null);
    try {
      saved(await updateAddress(item.id, { isDefault: true }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <>
      {items.length === 0 && !editing && <p>No saved addresses yet. Save one to fill in checkout faster.</p>}
      <ul className="address-cards">
        {items.map((a) =>
          editing?.kind === 'edit' && editing.item.id === a.id ? (
            <li key={a.id} className="address-card">
              <AddressForm item={a} onSaved={saved} onCancel={() => setEditing(null)} />
            </li>
          ) : (
            <AddressCard key={a.id} item={a} onEdit={() => setEditing({ kind: 'edit', item: a })} onDelete={() => remove(a)} onDefault={() => makeDefault(a)} />
          ),
        )}
      </ul>
      <FormError message={error} />
      {editing?.kind === 'new' ? (
        <AddressForm onSaved={saved} onCancel={() => setEditing(null)} isFirst={items.length === 0} />
      ) : (
        <button ref={addButton} type="button" className="button button-secondary" onClick={() => setEditing({ kind: 'new' })}>
          Add an address
        </button>
      )}
    </>
  );
}

function AddressCard(props: { item: SavedAddress; onEdit(): void; onDelete(): Promise<void>; onDefault(): Promise<void> }) {
  const { item } = props;
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="address-card">
      <p className="address-card-label">
        <strong>{item.label}</strong> {item.isDefault && <span className="badge">Default</span>}
      </p>
      <AddressBlock address={item.address} />
      <div className="actions">
        {confirming ? (
          <>
            <span>Delete “{item.label}”?</span>
            <button type="button" className="button button-danger" onClick={() => void props.onDelete()}>
              Delete
            </button>
            <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <>
            <button type="button" className="link-button" onClick={props.onEdit}>
              Edit<span className="visually-hidden"> {item.label}</span>
            </button>
            {!item.isDefault && (
              <button type="button" className="link-button" onClick={() => void props.onDefault()}>
                Make default<span className="visually-hidden"> ({item.label})</span>
              </button>
            )}
            <button type="button" className="link-button" onClick={() => setConfirming(true)}>
              Delete<span className="visually-hidden"> {item.label}</span>
            </button>
          </>
        )}
      </div>
    </li>
  );
}

function AddressForm(props: { item?: SavedAddress; isFirst?: boolean; onSaved(item: SavedAddress): void; onCancel(): void }) {
  const { item } = props;
  const prefix = item ? `addr-${item.id}` : 'addr-new';
  const [label, setLabel] = useState(item?.label ?? (props.isFirst ? 'Home' : ''));
  const [draft, setDraft] = useState<AddressDraft>(() => (item ? toDraft(item.address) : emptyAddress(defaultCountry(navigator.languages))));
  const [isDefault, setIsDefault] = useState(item?.isDefault ?? !!props.isFirst);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector<HTMLElement>('input, select')?.focus(), []);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const problems: Record<string, string> = {};
    if (!label.trim()) problems.label = 'Give the address a name, like Home or Work';
    for (const [f, msg] of Object.entries(addressProblems(draft))) problems[`address.${f}`] = msg;
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length > 0) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      const base = { label: label.trim(), address: toAddress(draft) };
      props.onSaved(item ? await updateAddress(item.id, isDefault && !item.isDefault ? { ...base, isDefault: true } : base) : await createAddress({ ...base, isDefault }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const { fields, other } = fieldErrors(err.message);
        setErrors({ ...fields });
        setFormError(other.join(' ') || 'Please check the highlighted fields.');
        focusFirstInvalid(form.current);
      } else {
        setFormError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const addressErrors: AddressErrors = {};
  for (const [k, v] of Object.entries(errors)) if (k.startsWith('address.')) addressErrors[k.slice(8) as keyof AddressErrors] = v;
  return (
    <form ref={form} className="stack address-form" noValidate onSubmit={(e) => void submit(e)} aria-label={item ? `Edit ${item.label}` : 'New address'}>
      <Field id={`${prefix}-label`} label="Name for this address" hint="For example Home or Work." value={label} onChange={(e) => setLabel(e.target.value)} error={errors.label} required maxLength={40} />
      <AddressFields idPrefix={prefix} legend="Address" value={draft} onChange={setDraft} errors={addressErrors} disabled={busy} />
      {/* The default stops being it only when another one becomes the default. */}
      {!item?.isDefault && (
        <label className="checkbox">
          <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} /> Use this address at checkout by default
        </label>
      )}
      <FormError message={formError} />
      <div className="actions">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? 'Saving…' : 'Save address'}
        </button>
        <button type="button" className="button button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
