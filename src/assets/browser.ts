// The pipeline's browser: Debian's Chromium driven by playwright-core, launched on first use and shared by every
// job of a worker (each job opens its own context, see viewer-page.ts), relaunched if it crashed, closed with the
// worker. Steps never launch a browser: they are given one.
import type { Browser, LaunchOptions } from 'playwright-core';

export interface BrowserProvider {
  /** The shared browser, launched on the first call (concurrent callers share one launch). */
  get(): Promise<Browser>;
  /** Closes the browser if it was launched; a later get() launches a new one. */
  close(): Promise<void>;
}

/** SwiftShader WebGL 2 on machines without a GPU, and nothing that talks to the network on its own (FIELD-NOTES). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  '--disable-quic',
];

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export interface BrowserProviderOptions {
  /** A path, or a function giving one (on Lambda, @sparticuz/chromium unpacks its Chromium to /tmp on first use). */
  readonly executablePath?: string | (() => Promise<string>);
  readonly args?: readonly string[];
}

export function launchOnDemand(options: BrowserProviderOptions = {}): BrowserProvider {
  const executablePath = async (): Promise<string> => {
    const given = options.executablePath;
    return typeof given === 'function' ? given() : (given ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM);
  };
  let launching: Promise<Browser> | undefined;
  const get = async (): Promise<Browser> => {
    const pending = launching;
    if (pending) {
      const browser = await pending.catch(() => undefined);
      if (browser?.isConnected()) return browser;
      if (launching !== pending) return get(); // another caller is already relaunching
    }
    // First use, or the last browser crashed or never started: launch (a failure reaches the caller, the next
    // get() tries again).
    launching = Promise.all([import('playwright-core'), executablePath()]).then(([{ chromium }, path]) => {
      const launchOptions: LaunchOptions = { executablePath: path, args: [...(options.args ?? CHROMIUM_ARGS)] };
      return chromium.launch(launchOptions);
    });
    return launching;
  };
  return {
    get,
    async close() {
      const current = launching;
      launching = undefined;
      const browser = await current?.catch(() => undefined);
      await browser?.close();
    },
  };
}
