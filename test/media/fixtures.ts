// Media made at test time, so the repository holds no binaries: photos from sharp, videos recorded by Chromium's
// MediaRecorder from an animated canvas (WebM with VP8, MP4 with H.264: both what shoppers' browsers play).
import sharp from 'sharp';
import { chromium } from 'playwright-core';

/** A photo `width` × `height` with a gradient (so WebP has something to encode) and, when asked, EXIF with a GPS tag. */
export async function photo(width: number, height: number, format: 'jpeg' | 'png' | 'webp' | 'avif', opts: { exif?: boolean; orientation?: number } = {}): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 128;
    }
  }
  let img = sharp(raw, { raw: { width, height, channels: 3 } });
  if (opts.exif || opts.orientation) {
    img = img.withMetadata({
      ...(opts.orientation ? { orientation: opts.orientation } : {}),
      ...(opts.exif ? { exif: { IFD0: { Make: 'TestCam', Model: 'Vitrine 1', Copyright: 'secret owner' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' } } } : {}),
    });
  }
  return img.toFormat(format, format === 'avif' ? { quality: 50, effort: 0 } : {}).toBuffer();
}

/**
 * A short video recorded in Chromium: `seconds` of a moving square on a `width` × `height` canvas. WebM (VP8) or MP4
 * (H.264), as MediaRecorder writes them.
 */
export async function recordVideo(kind: 'webm' | 'mp4', opts: { width?: number; height?: number; seconds?: number } = {}): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    // A string, not a function: tsx would add its __name helper to the page's inner functions, which is not there.
    const args = JSON.stringify({ kind, width: opts.width ?? 320, height: opts.height ?? 180, seconds: opts.seconds ?? 1.5 });
    const b64 = await page.evaluate<string>(`(${RECORD})(${args})`);
    return Buffer.from(b64, 'base64');
  } finally {
    await browser.close();
  }
}

const RECORD = `async ({ kind, width, height, seconds }) => {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  document.body.append(c);
  const g = c.getContext('2d');
  const mimeType = kind === 'webm' ? 'video/webm;codecs=vp8' : 'video/mp4;codecs=avc1.42E01E';
  const rec = new MediaRecorder(c.captureStream(25), { mimeType, videoBitsPerSecond: 400000 });
  const chunks = [];
  rec.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((r) => (rec.onstop = r));
  rec.start(200);
  const t0 = performance.now();
  await new Promise((done) => {
    const frame = () => {
      const t = (performance.now() - t0) / 1000;
      g.fillStyle = '#2a6f97';
      g.fillRect(0, 0, width, height);
      g.fillStyle = '#f4d35e';
      g.fillRect(((t / seconds) * (width - 40)) | 0, height / 2 - 20, 40, 40);
      if (t < seconds) requestAnimationFrame(frame);
      else done();
    };
    frame();
  });
  rec.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}`;
