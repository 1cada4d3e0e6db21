// Product descriptions: the merchant's Markdown rendered to HTML that is safe to insert as it is
// (src/compute/api/markdown.ts). Hostile input of the usual kinds must leave no element, attribute or URL that runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDescription } from '../../src/compute/api/markdown.ts';

/** What would run: script-capable elements, event handler attributes, and links whose scheme is not http(s)/mailto. */
function dangers(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<\s*([a-z0-9]+)([^>]*)>/gi)) {
    const [, tag, attrs] = m as unknown as [string, string, string];
    if (/^(script|iframe|object|embed|img|svg|math|style|link|meta|form|input|base)$/i.test(tag)) found.push(`<${tag}>`);
    for (const a of attrs.matchAll(/\s([^\s=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/g)) {
      const name = a[1]!.toLowerCase();
      const value = a[2]!.replace(/^["']|["']$/g, '');
      if (name.startsWith('on') || name === 'style' && !/^text-align:(left|right|center);?$/.test(value)) found.push(`${tag} ${name}`);
      if ((name === 'href' || name === 'src') && !/^(https?:\/\/|mailto:)/i.test(value)) found.push(`${tag} ${name}=${value}`);
    }
  }
  return found;
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)></svg>',
  '<a href="javascript:alert(1)">x</a>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](//evil.example/path)',
  '![x](https://evil.example/pixel.png)',
  '<javascript:alert(1)>',
  '[x]: javascript:alert(1)\n\n[link][x]',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<iframe src="https://evil.example"></iframe>',
  '```html\n<script>alert(1)</script>\n```',
  '| a | b |\n|:-:|--:|\n| <b onmouseover=alert(1)>x</b> | y |',
  '<a href="https://ok.example" onclick="alert(1)">ok</a>',
];

describe('renderDescription', () => {
  it('renders the Markdown merchants write', () => {
    const html = renderDescription('# Title\n\nSolid **oak**, _oiled_.\n\n- one\n- two\n\n[Care](https://example.com/care) or [mail us](mailto:shop@example.com)');
    assert.match(html, /^<h3>Title<\/h3>/, 'headings sit below the page’s own');
    assert.match(html, /<strong>oak<\/strong>, <em>oiled<\/em>/);
    assert.match(html, /<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    assert.match(html, /<a href="https:\/\/example\.com\/care" rel="nofollow noopener noreferrer ugc" target="_blank">Care<\/a>/);
    assert.match(html, /<a href="mailto:shop@example\.com"/);
    assert.equal(renderDescription(''), '');
  });

  for (const input of HOSTILE) {
    it(`leaves nothing that runs from ${JSON.stringify(input).slice(0, 60)}`, () => {
      const html = renderDescription(input);
      assert.deepEqual(dangers(html), [], html);
    });
  }

  it('keeps text alignment in tables and nothing else of style', () => {
    const html = renderDescription('| a | b |\n|:-:|--:|\n| 1 | 2 |');
    assert.match(html, /<th style="text-align:center">a<\/th>/);
    assert.deepEqual(dangers(html), []);
  });
});
