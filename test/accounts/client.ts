// A browser as the accounts API sees it: a cookie jar, the page's Origin, the CSRF token sent back on every state
// change, and (the test shop trusts its "proxy") a client IP of its own in X-Forwarded-For, so that each client's
// log-in budget is separate.
import { randomInt } from 'node:crypto';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly setCookies: string[];
  // any: response JSON whose fields the assertions check one by one
  readonly body: any;
}

export interface CallOptions {
  readonly headers?: Record<string, string>;
  /** false: leave the x-csrf-token header out. */
  readonly csrf?: boolean;
  /** Replaces the page's Origin (null: no Origin header). */
  readonly origin?: string | null;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;
  readonly ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Answer> {
    const origin = opts.origin === undefined ? this.baseUrl : opts.origin;
    const headers: Record<string, string> = {
      'x-forwarded-for': this.ip,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      ...(origin !== null ? { origin } : {}),
      ...(opts.csrf !== false && this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
      ...opts.headers,
    };
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair = '', ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now());
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as { csrfToken?: unknown }) : undefined;
    if (parsed && typeof parsed.csrfToken === 'string') this.csrfToken = parsed.csrfToken;
    return { status: res.status, headers: res.headers, setCookies, body: parsed };
  }

  /** Fetches the CSRF token for this client's state (guest or session), as the storefront does on load. */
  async csrf(): Promise<string> {
    const r = await this.call('GET', '/api/auth/csrf');
    if (r.status !== 200) throw new Error(`GET /api/auth/csrf answered ${r.status}`);
    return r.body.csrfToken as string;
  }

  async signup(email: string, password: string, name?: string): Promise<Answer> {
    if (!this.csrfToken) await this.csrf();
    return this.call('POST', '/api/auth/signup', { email, password, ...(name ? { name } : {}) });
  }

  async login(email: string, password: string): Promise<Answer> {
    if (!this.csrfToken) await this.csrf();
    return this.call('POST', '/api/auth/login', { email, password });
  }
}
