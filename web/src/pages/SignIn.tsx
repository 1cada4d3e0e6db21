// '/account/signin' and '/account/signup'. After either, the shopper goes back where they came from (?next=).
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api.ts';
import { Field, FormError, focusFirstInvalid } from '../components/Field.tsx';
import { fieldErrors } from '../format.ts';
import { Link, navigate, useLocation, useTitle } from '../router.tsx';
import { sessionStore, useSession } from '../stores/session.ts';

/** Only same-origin paths: ?next=//evil.example must not send anyone off the shop. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next') ?? '';
  return /^\/(?![/\\])/.test(next) ? next : '/account';
}

type Errors = Partial<Record<'name' | 'email' | 'password', string>>;

export function SignIn({ mode }: { mode: 'signin' | 'signup' }) {
  const signup = mode === 'signup';
  useTitle(signup ? 'Create an account' : 'Sign in');
  const { search } = useLocation();
  const session = useSession();
  const next = safeNext(search);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const problems: Errors = {};
    if (!email.trim()) problems.email = 'Enter your email address';
    if (!password) problems.password = 'Enter a password';
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length > 0) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      if (signup) await sessionStore.signUp(email.trim(), password, name.trim() || undefined);
      else await sessionStore.signIn(email.trim(), password);
      navigate(next);
    } catch (err) {
      const found = err instanceof ApiError ? fieldErrors(err.message) : { fields: {}, other: [errorMessage(err)] };
      const f = found.fields as Record<string, string | undefined>;
      const fieldLevel: Errors = {
        name: f.name,
        email: f.email ?? (err instanceof ApiError && err.code === 'EMAIL_TAKEN' ? err.message : undefined),
        password: f.password,
      };
      setErrors(fieldLevel);
      const shown = Object.values(fieldLevel).some(Boolean);
      setFormError(shown ? (found.other.join(' ') || null) : errorMessage(err));
      if (shown) focusFirstInvalid(form.current);
    } finally {
      setBusy(false);
    }
  };

  if (session.status === 'signed-in') {
    return (
      <section className="narrow" aria-labelledby="auth-title">
        <h1 id="auth-title">You are signed in</h1>
        <p>
          Signed in as <strong>{session.account.email}</strong>. <Link href="/account">Go to your account</Link>.
        </p>
      </section>
    );
  }

  const other = signup ? '/account/signin' : '/account/signup';
  const keepNext = next !== '/account' ? `?next=${encodeURIComponent(next)}` : '';
  return (
    <section className="narrow" aria-labelledby="auth-title">
      <h1 id="auth-title">{signup ? 'Create an account' : 'Sign in'}</h1>
      <form ref={form} className="stack" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
        {signup && <Field id="name" label="Name" optional autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={200} />}
        <Field id="email" label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} required />
        <Field
          id="password"
          label="Password"
          type="password"
          autoComplete={signup ? 'new-password' : 'current-password'}
          hint={signup ? 'At least 10 characters of at least two kinds (lower- and uppercase letters, digits, symbols), and not your email address.' : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          required
        />
        <FormError message={formError} />
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? 'Please wait…' : signup ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p className="aside-link">
        {signup ? 'Already have an account? ' : 'New here? '}
        <Link href={`${other}${keepNext}`}>{signup ? 'Sign in' : 'Create an account'}</Link>
      </p>
    </section>
  );
}
