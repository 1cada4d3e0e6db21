// A product's description is the merchant's Markdown; shoppers get it as HTML made safe here, on the server, so the
// storefront's main bundle carries no Markdown parser or sanitiser and every client gets the same safe HTML.
//
// Two independent walls, so a bug in one is not enough:
// 1. markdown-it with `html: false` escapes any raw HTML the merchant typed (<script>, <img onerror>…) into text, and
//    its link check refuses javascript:, vbscript:, file: and data: URLs.
// 2. sanitize-html then keeps only the tags Markdown produces for prose, only href (and title) on links, and only
//    http(s) and mailto links; each link opens as an external one with rel="nofollow noopener noreferrer ugc".
// Images are not kept: a description loading pictures from anywhere would leave the shop's origin (the CSP forbids
// it anyway) and product pictures have their own place on the page.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });

const POLICY: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h3', 'h4', 'h5', 'h6', 'hr', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: { th: { 'text-align': [/^(left|right|center)$/] }, td: { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // A description's own headings sit under the page's h1 and the section's h2: # and ## become h3.
    h1: 'h3',
    h2: 'h3',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener noreferrer ugc', target: '_blank' } }),
  },
};

/** Markdown → HTML that can be put in the page as it is (no script, no event handler, no script URL survives). */
export function renderDescription(markdown: string): string {
  return sanitizeHtml(md.render(markdown), POLICY).trim();
}

// Rendered once per text: the product page's answer is rebuilt on every stock change, the description rarely changes.
const cache = new Map<string, string>();
const CACHE_SIZE = 500;

export function renderDescriptionCached(markdown: string): string {
  const hit = cache.get(markdown);
  if (hit !== undefined) return hit;
  const html = renderDescription(markdown);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(markdown, html);
  return html;
}
