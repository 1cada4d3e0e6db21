// How mail names the shop and links back to it: the display name of MAIL_FROM and PUBLIC_URL. Dependency-free, so
// the job function on Lambda can use it without bundling the accounts code (argon2 is a native module).
import type { Config } from '../../config/env.ts';

export interface ShopDetails {
  readonly shopName: string;
  /** Without a trailing slash. */
  readonly shopUrl: string;
}

export function shopDetails(config: Pick<Config, 'PUBLIC_URL' | 'PORT' | 'MAIL_FROM'>): ShopDetails {
  const name = /^\s*"?([^"<]*?)"?\s*</.exec(config.MAIL_FROM)?.[1]?.trim();
  return { shopName: name || 'Vitrine', shopUrl: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '') };
}
