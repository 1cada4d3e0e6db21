// Who is signed in. A guest never asks GET /api/auth/me: its 401 would be a console error on every page. A
// "signed in" hint in localStorage (set at log-in, cleared at log-out or on a 401) says when asking is worth it;
// the HttpOnly session cookie itself stays unreadable to scripts.
import { getMe, isUnauthenticated, logIn, logOut, setCsrfToken, signUp } from '../api.ts';
import type { Account, Session } from '../types.ts';
import { cartStore } from './cart.ts';
import { createStore, useStore } from './store.ts';

export type SessionState =
  | { readonly status: 'unknown' }
  | { readonly status: 'guest' }
  | { readonly status: 'signed-in'; readonly account: Account };

const HINT = 'vitrine.signedIn';

function hint(on?: boolean): boolean {
  try {
    if (on === true) localStorage.setItem(HINT, '1');
    else if (on === false) localStorage.removeItem(HINT);
    return localStorage.getItem(HINT) === '1';
  } catch {
    return false; // storage blocked: behave as a guest until signing in
  }
}

const store = createStore<SessionState>(hint() ? { status: 'unknown' } : { status: 'guest' });
let loading: Promise<void> | undefined;

function opened(s: Session): Account {
  setCsrfToken(s.csrfToken);
  hint(true);
  store.set({ status: 'signed-in', account: s.account });
  void cartStore.refresh(); // log-in merges the guest cart into the account's
  return s.account;
}

export const sessionStore = {
  get: store.get,
  /** Once at start: resolves the "unknown" state a hinted session starts in. */
  load(): Promise<void> {
    if (store.get().status !== 'unknown') return Promise.resolve();
    loading ??= getMe().then(
      (s) => {
        setCsrfToken(s.csrfToken);
        store.set({ status: 'signed-in', account: s.account });
      },
      (err: unknown) => {
        if (isUnauthenticated(err)) hint(false);
        store.set({ status: 'guest' });
      },
    );
    return loading;
  },
  signIn: async (email: string, password: string): Promise<Account> => opened(await logIn({ email, password })),
  signUp: async (email: string, password: string, name?: string): Promise<Account> => opened(await signUp({ email, password, name })),
  async signOut(): Promise<void> {
    await logOut();
    setCsrfToken(undefined);
    hint(false);
    store.set({ status: 'guest' });
    void cartStore.refresh(); // the account's cart stays with the account
  },
  /** A request answered 401: the session ended elsewhere (expired, revoked, signed out in another tab). */
  expired(): void {
    setCsrfToken(undefined);
    hint(false);
    store.set({ status: 'guest' });
  },
};

export const useSession = (): SessionState => useStore(store);
