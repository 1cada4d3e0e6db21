// What every message shares: HTML escaping, one plain layout (inline styles: mail clients ignore <style> blocks
// and never run scripts), and the text part every message also carries for clients that show no HTML.

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export function htmlLayout(o: { title: string; paragraphs: readonly string[]; action?: { label: string; url: string }; footer: string }): string {
  const p = (t: string) => `<p style="margin:0 0 16px;font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328">${escapeHtml(t)}</p>`;
  const button = o.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(o.action.url)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:#1f2328;color:#ffffff;text-decoration:none;font:600 16px system-ui,sans-serif">${escapeHtml(o.action.label)}</a></p>` +
      p(`If the button does not work, paste this address into your browser: ${o.action.url}`)
    : '';
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(o.title)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f8fa">',
    '<div style="max-width:560px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px">',
    `<h1 style="margin:0 0 24px;font:600 22px system-ui,sans-serif;color:#1f2328">${escapeHtml(o.title)}</h1>`,
    ...o.paragraphs.map(p),
    button,
    `<p style="margin:32px 0 0;font:13px/1.5 system-ui,sans-serif;color:#59636e">${escapeHtml(o.footer)}</p>`,
    '</div></body></html>',
  ].join('\n');
}
