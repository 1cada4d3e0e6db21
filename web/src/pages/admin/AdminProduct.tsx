// '/admin/products/:id': the product editor. Details (title, slug, category, Markdown description), options and the
// variants table (a row per combination of values: SKU, price, stock, the 3D model's material variant it shows),
// publish/unpublish, and the product's 3D model. Each save names the version it was made from: if someone else saved
// meanwhile the API answers 409 and the page offers to reload. Problems are shown at their fields, as the API names them.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, errorFields, errorMessage, getAdminCategories, getAdminProduct, isNotFound, isUnauthenticated, previewDescription, setProductPublished, updateProduct } from '../../api.ts';
import { Field, FormError, SelectField, focusFirstInvalid } from '../../components/Field.tsx';
import { ErrorState, Loading, NotFound } from '../../components/States.tsx';
import { describeOptions, formatDate } from '../../format.ts';
import { Link, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import type { AdminModelStatus, AdminProductAnswer, CategoryChoice } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';
import { MediaSection } from './MediaSection.tsx';
import { ProductStatusBadge } from './ProductStatusBadge.tsx';
import { comboKey, editBody, formFromProduct, newKey, variantLines, type OptionRow, type ProductForm, type VariantRow } from './product-form.ts';

const MAX_OPTIONS = 3;

export function AdminProduct({ id }: { id: string }) {
  const loaded = useAsync(async (signal) => {
    const [answer, choices] = await Promise.all([getAdminProduct(id, signal), getAdminCategories(signal)]);
    return { answer, choices };
  }, [id]);
  const failed = loaded.status === 'error' ? loaded.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);
  useTitle(loaded.status === 'ready' ? loaded.data.answer.product.title : 'Product');
  return (
    <>
      <AdminNav current="products" exact={false} />
      {loaded.status === 'loading' && <Loading label="Loading the product…" />}
      {loaded.status === 'error' && (isNotFound(loaded.error) ? <NotFound what="product" /> : <ErrorState error={loaded.error} onRetry={loaded.retry} />)}
      {loaded.status === 'ready' && <Editor initial={loaded.data.answer} categories={loaded.data.choices.items} currency={loaded.data.choices.currency} />}
    </>
  );
}

function Editor({ initial, categories, currency }: { initial: AdminProductAnswer; categories: readonly CategoryChoice[]; currency: string }) {
  const [saved, setSaved] = useState(initial);
  const [form, setForm] = useState<ProductForm>(() => formFromProduct(initial.product));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState<'save' | 'publish' | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // After the errors are on screen (not before: the invalid field must exist to take focus).
  const [refused, setRefused] = useState(0);
  useEffect(() => {
    if (refused > 0) focusFirstInvalid(formRef.current);
  }, [refused]);
  const { product, model } = saved;
  const lines = variantLines(form, currency);
  const materials = model?.status === 'ready' ? model.materialVariants : [];
  const locales = navigator.languages;

  const edit = (change: Partial<ProductForm>): void => {
    setForm((f) => ({ ...f, ...change }));
    setDirty(true);
    setNotice('');
  };
  const editRow = (key: string, row: VariantRow, change: Partial<VariantRow>): void => {
    setForm((f) => ({ ...f, rows: { ...f.rows, [key]: { ...row, ...change } } }));
    setDirty(true);
    setNotice('');
  };
  const editOption = (i: number, change: Partial<OptionRow>): void => edit({ options: form.options.map((o, j) => (j === i ? { ...o, ...change } : o)) });

  const loadFresh = async (): Promise<void> => {
    const fresh = await getAdminProduct(product.id);
    setSaved(fresh);
    setForm(formFromProduct(fresh.product));
    setDirty(false);
    setErrors({});
    setAlert(null);
    setConflict(false);
  };

  const failed = (err: unknown): void => {
    const fields = errorFields(err);
    setErrors(fields);
    if (err instanceof ApiError && err.status === 409 && err.code === 'CONFLICT') {
      setConflict(true);
      setAlert('Someone else saved this product after you opened it. Reload it to see their changes, then make yours again.');
    } else {
      setAlert(Object.keys(fields).length > 0 ? problemSummary(fields) : errorMessage(err));
    }
    setRefused((n) => n + 1);
  };

  /** Saves the form; resolves with the saved product, or null when it could not. */
  const save = async (): Promise<AdminProductAnswer | null> => {
    const built = editBody(form, product.version, currency);
    if ('errors' in built) {
      setErrors(built.errors);
      setAlert(problemSummary(built.errors));
      setRefused((n) => n + 1);
      return null;
    }
    try {
      const next = await updateProduct(product.id, built.body);
      setSaved(next);
      setForm(formFromProduct(next.product));
      setDirty(false);
      setErrors({});
      setAlert(null);
      return next;
    } catch (err) {
      failed(err);
      return null;
    }
  };

  const onSubmit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setBusy('save');
    const next = await save();
    if (next) setNotice('Saved.');
    setBusy(null);
  };

  const togglePublished = async (): Promise<void> => {
    if (busy) return;
    setBusy('publish');
    setNotice('');
    // Unsaved changes are saved first: publishing shows shoppers what the merchant sees on this page.
    const current = dirty ? await save() : saved;
    if (current) {
      const publish = current.product.status !== 'published';
      try {
        const next = await setProductPublished(current.product.id, publish, current.product.version);
        setSaved(next);
        setForm(formFromProduct(next.product));
        setDirty(false);
        setErrors({});
        setAlert(null);
        setNotice(publish ? 'Published: shoppers can see it now.' : 'Unpublished: shoppers no longer see it.');
      } catch (err) {
        failed(err);
      }
    }
    setBusy(null);
  };

  const published = product.status === 'published';
  return (
    <article className="product-editor" aria-labelledby="product-title">
      <p className="breadcrumb">
        <Link href="/admin/products">Products</Link>
      </p>
      <div className="page-head">
        <h1 id="product-title">{product.title}</h1>
        <p className="order-meta">
          <ProductStatusBadge status={product.status} /> <span>Version {product.version}</span> <span>Updated {formatDate(product.updatedAt, locales, true)}</span>
          {published && (
            <Link href={`/p/${encodeURIComponent(product.slug)}`} target="_blank" rel="noopener">
              View in the shop
            </Link>
          )}
        </p>
      </div>
      <p className="form-success" role="status">
        {notice}
      </p>
      <FormError message={alert} />
      {conflict && (
        <p>
          <button type="button" className="button button-secondary" onClick={() => void loadFresh().catch((err: unknown) => setAlert(errorMessage(err)))}>
            Reload the product
          </button>
        </p>
      )}

      <form ref={formRef} noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Edit product" className="stack">
        <section className="form-section" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <div className="field-row">
            <Field id="product-title-input" label="Title" required maxLength={200} value={form.title} onChange={(e) => edit({ title: e.target.value })} error={errors.title} />
            <Field
              id="product-slug"
              label="Slug"
              required
              value={form.slug}
              onChange={(e) => edit({ slug: e.target.value })}
              error={errors.slug}
              hint={`The address: /p/${form.slug || '…'}`}
              spellCheck={false}
              autoCapitalize="off"
            />
            <SelectField id="product-category" label="Category" value={form.category} onChange={(e) => edit({ category: e.target.value })} error={errors.category} hint="Shoppers browse by it; needed to publish.">
              <option value="">No category</option>
              {categories.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.name}
                </option>
              ))}
            </SelectField>
          </div>
          {form.category && categories.length > 1 && (
            <fieldset className="also-in" aria-describedby="also-in-hint">
              <legend>Also list it in</legend>
              <p id="also-in-hint" className="field-hint">
                Shoppers browsing these categories find it there too.
              </p>
              {categories
                .filter((c) => c.slug !== form.category)
                .map((c) => (
                  <label key={c.slug} className="checkbox">
                    <input
                      type="checkbox"
                      checked={form.extraCategories.includes(c.slug)}
                      onChange={(e) => edit({ extraCategories: e.target.checked ? [...form.extraCategories, c.slug] : form.extraCategories.filter((x) => x !== c.slug) })}
                    />
                    {c.name}
                  </label>
                ))}
              {Object.entries(errors)
                .filter(([f]) => f === 'extraCategories' || f.startsWith('extraCategories.'))
                .map(([f, m]) => (
                  <p key={f} className="field-error">
                    {m}
                  </p>
                ))}
            </fieldset>
          )}
          <TextArea
            id="product-description"
            label="Description"
            value={form.description}
            onChange={(description) => edit({ description })}
            error={errors.description}
            hint="Markdown: **bold**, _italic_, lists with -, links like [care guide](https://…). HTML is shown as text."
          />
          <DescriptionPreview markdown={form.description} />
        </section>

        <section className="form-section" aria-labelledby="options-title">
          <h2 id="options-title">Options</h2>
          <p className="field-hint">Like Finish: Oak, Walnut. Each combination of values is a variant below. At most {MAX_OPTIONS} options.</p>
          {errors.options && <p className="field-error">{errors.options}</p>}
          {form.options.map((o, i) => (
            <fieldset key={o.key} className="option-row">
              <legend className="visually-hidden">Option {i + 1}</legend>
              <Field id={`option-${i}-name`} label={`Option ${i + 1} name`} value={o.name} onChange={(e) => editOption(i, { name: e.target.value })} error={errors[`options.${i}.name`]} maxLength={40} />
              <Field id={`option-${i}-values`} label={`Option ${i + 1} values`} hint="Separated by commas" value={o.values} onChange={(e) => editOption(i, { values: e.target.value })} error={errors[`options.${i}.values`]} />
              <button type="button" className="button button-secondary button-small" onClick={() => edit({ options: form.options.filter((_, j) => j !== i) })} aria-label={`Remove option ${i + 1}${o.name ? ` (${o.name})` : ''}`}>
                Remove
              </button>
            </fieldset>
          ))}
          {form.options.length < MAX_OPTIONS && (
            <button type="button" className="button button-secondary" onClick={() => edit({ options: [...form.options, { key: newKey(), name: '', values: '' }] })}>
              Add option
            </button>
          )}
        </section>

        <section className="form-section" aria-labelledby="variants-title">
          <h2 id="variants-title">Variants, prices and stock</h2>
          {errors.variants && <p className="field-error">{errors.variants}</p>}
          <div className="table-wrap">
            <table className="table variants-table" data-testid="variants">
              <caption className="visually-hidden">One row per variant: its SKU, price in {currency}, units in stock{materials.length > 0 ? ' and the model’s material it shows' : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Variant</th>
                  <th scope="col">SKU</th>
                  <th scope="col">Price ({currency})</th>
                  <th scope="col">Stock</th>
                  {materials.length > 0 && <th scope="col">3D material</th>}
                </tr>
              </thead>
              <tbody>
                {lines.map(({ combo, key, row }, i) => {
                  const name = lines.length === 1 && Object.keys(combo).length === 0 ? '' : describeOptions(combo);
                  const suffix = name ? ` for ${name}` : '';
                  const at = `variants.${i}`;
                  const optionProblems = Object.entries(errors).filter(([f]) => f === `${at}.options` || f.startsWith(`${at}.options.`) || f === `${at}.id`);
                  return (
                    <tr key={comboKey(combo)} data-variant={name || 'default'}>
                      <th scope="row" className="break">
                        {name || 'The product'}
                        {optionProblems.map(([f, m]) => (
                          <p key={f} className="field-error">
                            {m}
                          </p>
                        ))}
                      </th>
                      <td>
                        <Cell id={`variant-${i}-sku`} label={`SKU${suffix}`} error={errors[`${at}.sku`]}>
                          {(p) => <input {...p} value={row.sku} placeholder="Made for you" onChange={(e) => editRow(key, row, { sku: e.target.value })} maxLength={64} spellCheck={false} />}
                        </Cell>
                      </td>
                      <td>
                        <Cell id={`variant-${i}-price`} label={`Price${suffix}`} error={errors[`${at}.price`]}>
                          {(p) => <input {...p} value={row.price} inputMode="decimal" onChange={(e) => editRow(key, row, { price: e.target.value })} />}
                        </Cell>
                      </td>
                      <td>
                        <Cell id={`variant-${i}-stock`} label={`Stock${suffix}`} error={errors[`${at}.stock`]}>
                          {(p) => <input {...p} value={row.stock} inputMode="numeric" onChange={(e) => editRow(key, row, { stock: e.target.value, stockTouched: true })} />}
                        </Cell>
                      </td>
                      {materials.length > 0 && (
                        <td>
                          <Cell id={`variant-${i}-material`} label={`3D material${suffix}`} error={errors[`${at}.materialVariant`]}>
                            {(p) => (
                              <select {...p} value={row.materialVariant} onChange={(e) => editRow(key, row, { materialVariant: e.target.value })}>
                                <option value="">As modelled</option>
                                {materials.map((m) => (
                                  <option key={m} value={m}>
                                    {m}
                                  </option>
                                ))}
                                {row.materialVariant && !materials.includes(row.materialVariant) && <option value={row.materialVariant}>{row.materialVariant} (not in the model)</option>}
                              </select>
                            )}
                          </Cell>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="field-hint">Stock is saved only for the rows you change, so sales made meanwhile are kept.</p>
        </section>

        <div className="row-actions">
          <button type="submit" className="button" aria-disabled={busy !== null || undefined}>
            {busy === 'save' ? 'Saving…' : 'Save changes'}
          </button>
          <button type="button" className={published ? 'button button-danger-outline' : 'button button-secondary'} aria-disabled={busy !== null || undefined} onClick={() => void togglePublished()}>
            {busy === 'publish' ? (published ? 'Unpublishing…' : 'Publishing…') : published ? 'Unpublish' : dirty ? 'Save and publish' : 'Publish'}
          </button>
        </div>
      </form>

      <ModelSection productId={product.id} model={model} />
      <MediaSection productId={product.id} />
    </article>
  );
}

/** The description as shoppers will see it, rendered by the API (the same sanitiser as the product page). */
function DescriptionPreview({ markdown }: { markdown: string }) {
  const [shown, setShown] = useState<{ html: string } | { error: string } | null>(null);
  const show = async (): Promise<void> => {
    try {
      setShown(await previewDescription(markdown));
    } catch (err) {
      setShown({ error: errorMessage(err) });
    }
  };
  return (
    <div className="description-preview">
      <button type="button" className="button button-secondary button-small" onClick={() => void show()} aria-controls="description-preview">
        {shown ? 'Refresh preview' : 'Preview'}
      </button>
      <div id="description-preview" aria-live="polite">
        {shown && 'error' in shown && <p className="form-error">{shown.error}</p>}
        {shown && 'html' in shown && (
          // Sanitised by the API (src/compute/api/markdown.ts), as on the product page.
          <div className="prose preview-box" data-testid="description-preview" dangerouslySetInnerHTML={{ __html: shown.html }} />
        )}
      </div>
    </div>
  );
}

/** The 3D model's current state, and the way to the model panel (upload, report, preview, hotspots). */
function ModelSection({ productId, model }: { productId: string; model: AdminModelStatus | null }) {
  return (
    <section className="form-section model-status" aria-labelledby="model-title" data-testid="model-status" data-product-id={productId}>
      <h2 id="model-title">3D model</h2>
      {model ? (
        <>
          <p>
            Status: <strong data-testid="model-state">{MODEL_STATES[model.status]}</strong> <span className="mono">{model.assetId}</span>
          </p>
          {model.error && <p className="field-error">{model.error}</p>}
          {model.poster && <img src={model.poster} alt="The model’s poster" width={160} height={160} loading="lazy" />}
          <p>{model.materialVariants.length > 0 ? `Material variants: ${model.materialVariants.join(', ')}.` : 'The model has no material variants.'}</p>
        </>
      ) : (
        <p data-testid="model-state">No 3D model yet.</p>
      )}
      {/* The panel is its own lazy page: the editor does not load model-viewer for a form. */}
      <p>
        <Link href={`/admin/products/${encodeURIComponent(productId)}/model`} className="button" data-testid="open-model-panel">
          {model ? 'Model, report and hotspots' : 'Upload a 3D model'}
        </Link>
      </p>
    </section>
  );
}

const MODEL_STATES: Readonly<Record<AdminModelStatus['status'], string>> = {
  pending: 'Uploaded, waiting to be processed',
  processing: 'Processing',
  ready: 'Ready: shown on the product page',
  failed: 'Failed',
};

/** A labelled control in a table cell: the label is visually hidden (the column says it), the error shown beneath. */
function Cell({ id, label, error, children }: { id: string; label: string; error?: string; children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      {children({ id, ...(error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {}) })}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

function TextArea({ id, label, value, onChange, error, hint }: { id: string; label: string; value: string; onChange: (v: string) => void; error?: string; hint?: string }) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      <textarea id={id} rows={8} value={value} maxLength={20_000} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Fields this page shows a message at; anything else the API names is spelled out in the summary. */
const SHOWN = /^(title|slug|category|description|options|variants|extraCategories(\.\d+)?|options\.\d+\.(name|values)|variants\.\d+\..+)$/;

/** One sentence over the form when fields are at fault (each is shown at its field too). */
function problemSummary(fields: Record<string, string>): string {
  const n = Object.keys(fields).length;
  const elsewhere = Object.entries(fields).filter(([f]) => !SHOWN.test(f)).map(([f, m]) => `${f}: ${m}`);
  const head = n === 1 ? 'One field needs fixing: see the message at the field.' : `${n} fields need fixing: see the messages at the fields.`;
  return elsewhere.length > 0 ? `${head} ${elsewhere.join('; ')}` : head;
}
