// Product videos: what a browser makes of them, asked of the worker's shared Chromium (assets/browser.ts) rather than
// ffmpeg (a system dependency Lambda lacks). A page on a fake origin plays the video, served in byte ranges straight
// from object storage (never the whole file in memory), reads its duration and frame size, and draws a frame to a
// canvas: the poster. A video Chromium cannot decode is one shoppers' browsers cannot either, so it is refused.
import type { Browser, Route } from 'playwright-core';
import type { ByteRange } from '../storage/object-store.ts';
import { MediaInputError } from './media-image.ts';

const ORIGIN = 'https://media.vitrine.invalid';
/** The largest byte range answered at once: the media stack asks again for what follows. */
const CHUNK = 4 * 1024 * 1024;
/** The poster frame is drawn at most this wide (the gallery's widest rendition). */
const POSTER_MAX_WIDTH = 1600;

export interface VideoSource {
  readonly size: number;
  readonly mimeType: string;
  /** The bytes of `range` (inclusive), from storage. */
  read(range: ByteRange): Promise<Buffer>;
}

export interface VideoProbe {
  readonly duration: number;
  readonly width: number;
  readonly height: number;
  /** A frame early in the video (a tenth in, at most 1 s), as PNG. */
  readonly frame: Buffer;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>probe</title><body style="margin:0">
<script>
window.probe = async (maxWidth) => {
  const v = document.createElement('video');
  v.muted = true;
  v.preload = 'auto';
  v.playsInline = true;
  const once = (names) => new Promise((resolve, reject) => {
    const ok = () => { off(); resolve(); };
    const bad = () => { off(); reject(new Error('MEDIA_ERR ' + (v.error ? v.error.code + ': ' + v.error.message : 'unknown'))); };
    const off = () => { names.forEach((n) => v.removeEventListener(n, ok)); v.removeEventListener('error', bad); };
    names.forEach((n) => v.addEventListener(n, ok));
    v.addEventListener('error', bad);
  });
  const meta = once(['loadedmetadata']);
  v.src = '/video';
  document.body.append(v);
  await meta;
  let duration = v.duration;
  if (!Number.isFinite(duration)) {
    // Recorded WebM often has no duration in its header: seeking far past the end makes the browser find it.
    const found = once(['seeked', 'durationchange']);
    v.currentTime = 1e9;
    await found;
    duration = v.duration;
  }
  if (!v.videoWidth || !v.videoHeight) throw new Error('NO_PICTURE');
  const at = Number.isFinite(duration) && duration > 0 ? Math.min(1, duration / 10) : 0;
  if (Math.abs(v.currentTime - at) > 1e-3 || v.readyState < 2) {
    const seeked = once(['seeked']);
    v.currentTime = at;
    await seeked;
  }
  if (v.readyState < 2) await once(['loadeddata', 'canplay']);
  const scale = Math.min(1, maxWidth / v.videoWidth);
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.round(v.videoWidth * scale));
  c.height = Math.max(1, Math.round(v.videoHeight * scale));
  c.getContext('2d').drawImage(v, 0, 0, c.width, c.height);
  const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return { duration: Number.isFinite(duration) ? duration : 0, width: v.videoWidth, height: v.videoHeight, png: btoa(bin) };
};
</script>`;

export async function probeVideo(browser: Browser, source: VideoSource, opts: { timeoutMs?: number } = {}): Promise<VideoProbe> {
  const context = await browser.newContext({ viewport: { width: 640, height: 480 }, deviceScaleFactor: 1 });
  try {
    await context.route('**/*', (route) => serve(route, source));
    const page = await context.newPage();
    page.setDefaultTimeout(opts.timeoutMs ?? 60_000);
    await page.goto(`${ORIGIN}/`);
    let out: { duration: number; width: number; height: number; png: string };
    try {
      out = await withTimeout(page.evaluate((w) => (globalThis as unknown as { probe(w: number): Promise<typeof out> }).probe(w), POSTER_MAX_WIDTH), opts.timeoutMs ?? 60_000);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      if (text.includes('NO_PICTURE')) throw new MediaInputError('The video has no picture (sound only?): upload a video with images.');
      if (text.includes('MEDIA_ERR')) {
        const detail = /MEDIA_ERR ([^\n]*)/.exec(text)?.[1] ?? '';
        throw new MediaInputError(
          `Browsers cannot play this video (${detail.slice(0, 160)}): export it as MP4 (H.264) or WebM (VP8/VP9/AV1) and upload it again.`,
        );
      }
      throw err;
    }
    return { duration: Math.round(out.duration * 1000) / 1000, width: out.width, height: out.height, frame: Buffer.from(out.png, 'base64') };
  } finally {
    await context.close().catch(() => {});
  }
}

async function serve(route: Route, source: VideoSource): Promise<void> {
  const url = new URL(route.request().url());
  if (url.origin !== ORIGIN) return route.abort('blockedbyclient');
  if (url.pathname === '/') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: PAGE });
  if (url.pathname !== '/video') return route.fulfill({ status: 404, body: '' });
  const m = /^bytes=(\d+)-(\d*)$/.exec(route.request().headers()['range'] ?? 'bytes=0-');
  const start = Number(m?.[1] ?? 0);
  if (!m || start >= source.size) {
    return route.fulfill({ status: 416, headers: { 'content-range': `bytes */${source.size}` }, body: '' });
  }
  const end = Math.min(m[2] ? Number(m[2]) : source.size - 1, start + CHUNK - 1, source.size - 1);
  const body = await source.read({ start, end });
  return route.fulfill({
    status: 206,
    headers: {
      'content-type': source.mimeType,
      'accept-ranges': 'bytes',
      'content-range': `bytes ${start}-${end}/${source.size}`,
      'content-length': String(body.length),
    },
    body,
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the video was not read within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
