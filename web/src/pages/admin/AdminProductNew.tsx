// '/admin/products/new': a product starts as a draft with a title, a category and one price; everything else
// (options, variants, stock, description) is set on its own page, where it is published.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { createProduct, errorFields, errorMessage, getAdminCategories, isUnauthenticated } from '../../api.ts';
import { Field, FormError, SelectField, focusFirstInvalid } from '../../components/Field.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { Link, navigate, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';
import { formatAmount, parseAmount } from './product-form.ts';

export function AdminProductNew() {
  useTitle('New product');
  const choices = useAsync((signal) => getAdminCategories(signal), []);
  const failed = choices.status === 'error' ? choices.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);
  return (
    <>
      <AdminNav current="products" exact={false} />
      <p className="breadcrumb">
        <Link href="/admin/products">Products</Link>
      </p>
      <h1>New product</h1>
      {choices.status === 'loading' && <Loading label="Loading…" />}
      {choices.status === 'error' && <ErrorState error={choices.error} onRetry={choices.retry} />}
      {choices.status === 'ready' && <NewProductForm categories={choices.data.items} currency={choices.data.currency} />}
    </>
  );
}

function NewProductForm({ categories, currency }: { categories: readonly { slug: string; name: string }[]; currency: string }) {
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState('');
  const [price, setPrice] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // After the errors are on screen (not before: the invalid field must exist to take focus).
  const [refused, setRefused] = useState(0);
  useEffect(() => {
    if (refused > 0) focusFirstInvalid(form.current);
  }, [refused]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const amount = price.trim() === '' ? 0 : parseAmount(price, currency);
    if (amount === undefined) {
      setErrors({ price: `enter an amount like ${formatAmount(1250, currency)}` });
      setRefused((n) => n + 1);
      return;
    }
    setBusy(true);
    setAlert(null);
    try {
      const created = await createProduct({ title, price: amount, ...(category ? { category } : {}) });
      navigate(`/admin/products/${encodeURIComponent(created.product.id)}`);
    } catch (err) {
      const fields = errorFields(err);
      setErrors(fields);
      setAlert(Object.keys(fields).length > 0 ? 'Please correct the fields marked below.' : errorMessage(err));
      setRefused((n) => n + 1);
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="stack narrow" noValidate onSubmit={(e) => void submit(e)} aria-label="New product">
      <FormError message={alert} />
      <Field id="new-title" label="Title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} error={errors.title} />
      <SelectField id="new-category" label="Category" optional value={category} onChange={(e) => setCategory(e.target.value)} error={errors.category} hint="Shoppers find it there once it is published.">
        <option value="">No category yet</option>
        {categories.map((c) => (
          <option key={c.slug} value={c.slug}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <Field id="new-price" label={`Price (${currency})`} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} error={errors.price} hint={`Like ${formatAmount(4900, currency)}. Options and their prices come next.`} />
      <div>
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? 'Creating…' : 'Create draft'}
        </button>
      </div>
    </form>
  );
}
