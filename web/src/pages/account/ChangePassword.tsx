// Change password: the current one proves it is you; every other session of the account is signed out.
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, changePassword, errorMessage } from '../../api.ts';
import { Field, FormError, focusFirstInvalid } from '../../components/Field.tsx';
import { fieldErrors } from '../../format.ts';

type Errors = Partial<Record<'currentPassword' | 'newPassword' | 'repeat', string>>;

export function ChangePassword({ email }: { email: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const problems: Errors = {};
    if (!current) problems.currentPassword = 'Enter your current password';
    if (!next) problems.newPassword = 'Enter a new password';
    else if (next !== repeat) problems.repeat = 'The two new passwords differ';
    setErrors(problems);
    setFormError(null);
    setDone(null);
    if (Object.keys(problems).length > 0) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      const { revokedSessions } = await changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(`Your password was changed.${revokedSessions > 0 ? ` ${revokedSessions} other ${revokedSessions === 1 ? 'session was' : 'sessions were'} signed out.` : ''}`);
    } catch (err) {
      const { fields, other } = err instanceof ApiError ? fieldErrors(err.message) : { fields: {}, other: [errorMessage(err)] };
      const f = fields as Record<string, string | undefined>;
      const found: Errors = { currentPassword: f.currentPassword, newPassword: f.newPassword };
      setErrors(found);
      if (found.currentPassword || found.newPassword) {
        setFormError(other.join(' ') || null);
        focusFirstInvalid(form.current);
      } else {
        setFormError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="password-title" className="panel">
      <h2 id="password-title">Change password</h2>
      <form ref={form} className="stack" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="password-title">
        {/* Tells password managers whose password this is. */}
        <input type="text" name="username" autoComplete="username" value={email} hidden readOnly />
        <Field id="current-password" label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.currentPassword} required />
        <Field
          id="new-password"
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters of at least two kinds, and not your email address."
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={errors.newPassword}
          required
        />
        <Field id="repeat-password" label="New password again" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} error={errors.repeat} required />
        <FormError message={formError} />
        <p className="form-success" role="status">
          {done}
        </p>
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
