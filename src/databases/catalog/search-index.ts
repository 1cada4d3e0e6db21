// Full-text search over published products, kept beside the read model and updated one product at a time as the
// read model applies changes (never rebuilt per request). MiniSearch does the indexing and BM25+ ranking; this file
// decides what is indexed and how a shopper's words become a query:
// - fields: title (boosted), category name, option values (colours, materials, sizes), SKUs, description;
// - every word is also a prefix ("wal" finds walnut), so results appear while typing;
// - typo tolerance: words of 4+ letters allow 20 % of their length in edits (at least one), and a swap of two
//   neighbouring letters counts as one edit ("chiar" → chair, "lmap" → lamp: plain Levenshtein would call those two);
// - every word must match (AND); when no product has them all, any word may (OR), so a stray word never empties the
//   list. Accents and case are ignored ("boucle" finds bouclé).
// When nothing matches at all, suggest() proposes the nearest indexed words ("Did you mean …").
import MiniSearch, { type Query, type SearchResult } from 'minisearch';

/** The text of one product as indexed. */
export interface SearchDocument {
  readonly id: string;
  readonly title: string;
  readonly category: string;
  readonly options: string;
  readonly sku: string;
  readonly description: string;
}

export interface SearchHit {
  readonly id: string;
  readonly score: number;
}

/** What the API needs from the index: no MiniSearch types leak out. */
export interface ProductSearch {
  search(query: string, limit: number): SearchHit[];
  suggest(query: string): string | undefined;
}

/** Longest query the index accepts, and how many of its words count (each word expands into a few lookups). */
export const MAX_QUERY_LENGTH = 100;
export const MAX_QUERY_TERMS = 8;

const FIELDS = ['title', 'category', 'options', 'sku', 'description'] as const;
const BOOST = { title: 3, category: 2, options: 1.5, sku: 1, description: 0.75 };
/** Fraction of a word's length that may be mistyped (MiniSearch's fuzzy), from FUZZY_MIN_LENGTH letters on. */
const FUZZY = 0.2;
const FUZZY_MIN_LENGTH = 4;
/** Weight of a word found by swapping two neighbouring letters, relative to an exact match. */
const SWAP_WEIGHT = 0.6;

/** Lowercase, accents removed (NFKD then drop combining marks): used for documents and queries alike. */
export function normalizeTerm(term: string): string {
  return term.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Words are runs of letters and digits: "Three-Seat" → three, seat; "EU 40" → eu, 40; "S/M" → s, m. */
export function tokenize(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The query's words as the index sees them: normalised, at least two characters, each once, at most MAX_QUERY_TERMS. */
export function queryTerms(query: string): string[] {
  const out: string[] = [];
  for (const raw of tokenize(query.slice(0, MAX_QUERY_LENGTH))) {
    const t = normalizeTerm(raw);
    if (t.length >= 2 && !out.includes(t)) out.push(t);
    if (out.length === MAX_QUERY_TERMS) break;
  }
  return out;
}

function maxEdits(term: string): number {
  return term.length < FUZZY_MIN_LENGTH ? 0 : Math.max(1, Math.round(term.length * FUZZY));
}

/** The word with two neighbouring letters swapped, each way that makes a different word. */
function swaps(term: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 1 < term.length; i++) {
    if (term[i] === term[i + 1]) continue;
    out.add(term.slice(0, i) + term[i + 1] + term[i] + term.slice(i + 2));
  }
  return [...out];
}

/** One word's query: itself (prefix + fuzzy) or any single transposition of it (prefix, weighted down). */
function termQuery(term: string): Query {
  const edits = maxEdits(term);
  const self: Query = { queries: [term], fuzzy: edits > 0 ? edits : false, prefix: true };
  const swapped = term.length >= 3 ? swaps(term) : [];
  if (swapped.length === 0) return self;
  return {
    combineWith: 'OR',
    queries: [self, { queries: [swapped.join(' ')], combineWith: 'OR', fuzzy: false, prefix: true, boostTerm: () => SWAP_WEIGHT }],
  };
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (for ranking suggestions). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

export class CatalogSearchIndex implements ProductSearch {
  private readonly mini = new MiniSearch<SearchDocument>({
    fields: [...FIELDS],
    storeFields: [],
    tokenize,
    processTerm: (term) => normalizeTerm(term) || null,
    searchOptions: { boost: BOOST },
    // Documents are removed with remove() (the indexed copy is kept below), so nothing is left to vacuum.
    autoVacuum: false,
    logger: () => {},
  });
  /** The document as indexed, per product id: remove() needs exactly what was added. */
  private readonly docs = new Map<string, SearchDocument>();

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Adds a product, or replaces what was indexed for it; unchanged text is left alone. */
  set(doc: SearchDocument): void {
    const old = this.docs.get(doc.id);
    if (old && sameDocument(old, doc)) return;
    if (old) this.mini.remove(old);
    this.mini.add(doc);
    this.docs.set(doc.id, doc);
  }

  delete(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    this.mini.remove(old);
    this.docs.delete(id);
  }

  /** Best matches first (ties in id order, so every instance answers alike), at most `limit`. */
  search(query: string, limit: number): SearchHit[] {
    const terms = queryTerms(query);
    if (terms.length === 0) return [];
    const tree = (combineWith: 'AND' | 'OR'): Query => ({ combineWith, queries: terms.map(termQuery) });
    let results: SearchResult[] = this.mini.search(tree('AND'));
    if (results.length === 0 && terms.length > 1) results = this.mini.search(tree('OR'));
    return results
      .map((r) => ({ id: String(r.id), score: r.score }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  /**
   * For a query that found nothing: each word replaced by the nearest indexed word within a looser distance
   * (about 40 % of its length, at most 3 edits), or undefined when no word has a near neighbour.
   */
  suggest(query: string): string | undefined {
    const terms = queryTerms(query);
    let changed = false;
    const out = terms.map((term) => {
      if (term.length < 3) return term;
      const loose = Math.min(3, Math.max(2, Math.round(term.length * 0.4)));
      let best: { word: string; distance: number; score: number } | undefined;
      for (const r of this.mini.search(term, { fuzzy: loose, prefix: false, combineWith: 'OR' })) {
        for (const word of r.terms) {
          const distance = editDistance(term, word);
          if (distance > loose) continue;
          if (!best || distance < best.distance || (distance === best.distance && r.score > best.score)) best = { word, distance, score: r.score };
        }
      }
      if (!best || best.word === term) return term;
      changed = true;
      return best.word;
    });
    if (!changed) return undefined;
    const suggestion = out.join(' ');
    return this.search(suggestion, 1).length > 0 ? suggestion : undefined;
  }
}

function sameDocument(a: SearchDocument, b: SearchDocument): boolean {
  return FIELDS.every((f) => a[f] === b[f]);
}
