// Full-text search over published products, kept beside the read model and updated one product at a time as the
// read model applies changes (never rebuilt per request). This file decides what is indexed and how a shopper's
// words become a query:
// - fields: title (boosted), category name, option values (colours, materials, sizes), SKUs, description;
// - every word is also a prefix ("wal" finds walnut), so results appear while typing;
// - typo tolerance: words of 4+ letters allow 20 % of their length in edits (at least one), and a swap of two
//   neighbouring letters counts as one edit ("chiar" → chair, "lmap" → lamp: plain Levenshtein would call those two);
// - every word must match (AND); when no product has them all, any word may (OR), so a stray word never empties the
//   list. Accents and case are ignored ("boucle" finds bouclé).
// When nothing matches at all, suggest() proposes the nearest indexed words ("Did you mean …").
//
// Why not a plain BM25 engine (MiniSearch, which this replaced): it scores every document a query's words match
// before keeping the best few, so a common word cost 377 ms and a typo 1.3 s at 100,000 products, on the event loop.
// Here the cost of a query does not grow with the catalog (bench/scale.ts):
// - impact-ordered postings: each word's products are kept sorted by how well the word scores in them (field boosts
//   and BM25 length normalisation, with fixed reference lengths so the order never depends on the rest of the
//   catalog); a query reads each word's best products first and stops as soon as no unread product can beat the
//   `limit`-th best (Fagin's threshold algorithm), or after POSTINGS_READ per word;
// - when that leaves the page short of products with every word (common words that rarely occur together), the
//   products having every word are found exactly rather than by reading on: each word's products are also kept as
//   sorted entry numbers, and the rarest word's are checked against bitsets of the others (a few ns a product; a
//   word in BITS_FROM products or more keeps its bitset, so a common word costs no pass over its products);
// - a word expands into at most MAX_EXPANSIONS indexed words (itself, its completions, its typos), the closest and
//   then the most frequent first, and a prefix looks at MAX_PREFIX_WALK completions at most;
// so a query scores at most words × POSTINGS_READ + MAX_AND_SCORED products whatever the catalog's size, plus a
// bit test per product of its words. The price, two approximations: once a page of products with every word is
// found among each word's best POSTINGS_READ, a product lower in every word's list but with a higher sum (fair in
// all, best in none) is not looked for; and where more than MAX_AND_SCORED products have every word but the reads
// found too few of them, the page is ranked from the first MAX_AND_SCORED found, not from all of them.
// The vocabulary is MiniSearch's radix tree (SearchableMap): prefix and typo look-ups over it are what MiniSearch
// did too.
import SearchableMap from 'minisearch/SearchableMap';

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

/** What the API needs from the index. */
export interface ProductSearch {
  search(query: string, limit: number): SearchHit[];
  suggest(query: string): string | undefined;
}

/** Longest query the index accepts, and how many of its words count (each word expands into a few lookups). */
export const MAX_QUERY_LENGTH = 100;
export const MAX_QUERY_TERMS = 8;
/** Indexed words one query word may stand for (itself, completions, typos). */
export const MAX_EXPANSIONS = 16;
/** Completions of a prefix looked at (a two-letter prefix may have thousands, e.g. numbers). */
export const MAX_PREFIX_WALK = 512;
/**
 * Postings read (and products scored) per query word at most: the bound that keeps a query's cost flat. Two common
 * words whose best products tie (every title the same length) would otherwise be read to the end of their lists.
 */
export const POSTINGS_READ = 100;
/**
 * Products with every word scored at most, per pass, when the reads left the page short (the exact AND step): a
 * few pages' worth. Where more have every word, the first found (in the order products were indexed) are ranked.
 */
export const MAX_AND_SCORED = 64;

const FIELDS = ['title', 'category', 'options', 'sku', 'description'] as const;
type Field = (typeof FIELDS)[number];
const BOOST: Record<Field, number> = { title: 3, category: 2, options: 1.5, sku: 1, description: 0.75 };
/** BM25's "average field length", fixed (typical lengths in words) so that a word's order of products is stable. */
const REFERENCE_LENGTH: Record<Field, number> = { title: 4, category: 1.5, options: 5, sku: 4, description: 25 };
/** BM25+ parameters (MiniSearch's defaults). */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
/** Fraction of a word's length that may be mistyped, from FUZZY_MIN_LENGTH letters on. */
const FUZZY = 0.2;
const FUZZY_MIN_LENGTH = 4;
/** Weights of a word found as a completion, as a typo, by swapping two neighbouring letters (exact = 1). */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
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

/**
 * The products one indexed word occurs in, best first: impact descending, then id ascending (so every instance
 * answers ties alike). Two parallel arrays rather than an array of objects: 16 bytes a posting. A posting points at
 * the product's entry itself, not its id: scoring a product read from a list then costs no Map lookup (at 100,000
 * products each lookup was a cache miss in a large heap).
 */
interface Postings {
  readonly term: string;
  /** The word's number: products list their words by number, so scoring one compares small integers. */
  readonly key: number;
  docs: Indexed[];
  impacts: number[];
  /** False while appended to in a batch; sorted before the next search. */
  sorted: boolean;
  /**
   * The same products' entry numbers, ascending, in nums[0, count): for the exact AND step. Only from NUMS_FROM
   * products on: most words are in one or two products (a SKU's digits), and a typed array costs ~150 bytes.
   */
  nums: Int32Array | undefined;
  count: number;
  /**
   * The same products as a bitset over entry numbers, from BITS_FROM products on: the exact AND step reads a common
   * word's ("walnut", in a third of the catalog) as it is, where building it from `nums` cost a pass over all its
   * products per query, the one part of a query that grew with the catalog.
   */
  bits: Uint32Array | undefined;
}

/**
 * Slots of the query's word set: a power of two, at least twice MAX_QUERY_TERMS × MAX_EXPANSIONS so it is never full
 * (a full table would make querySlot loop for ever). A literal, so the hot loop masks with a constant; the check
 * below stops the process at load if the caps outgrow it.
 */
const QUERY_KEY_SLOTS = 256;
if (QUERY_KEY_SLOTS < 2 * MAX_QUERY_TERMS * MAX_EXPANSIONS) throw new Error('search-index: QUERY_KEY_SLOTS is too small for the query caps');

/** Where `key` is in the query's word set, or the empty slot (-1) where it would go: linear probing. */
function querySlot(slots: Int32Array, key: number): number {
  let h = key & (QUERY_KEY_SLOTS - 1);
  while (slots[h] !== key && slots[h] !== -1) h = (h + 1) & (QUERY_KEY_SLOTS - 1);
  return h;
}

/** Products a word is in from which its posting list keeps `nums`. */
const NUMS_FROM = 16;
/** Products a word is in from which it also keeps `bits` (a bitset is smaller than `nums` from n / 32 products on). */
export const BITS_FROM = 1024;

/**
 * What one product contributed to the index: its words (by number, not as strings of its own: 100,000 products
 * held ~90 MB of copies) and their impacts, to score it and to remove it. One object per product for as long as it
 * is indexed (updated in place), since posting lists point at it.
 */
interface Indexed {
  readonly id: string;
  /** Numbered in the order entries are made: what posting lists' `nums` hold. */
  readonly num: number;
  doc: SearchDocument;
  keys: number[];
  impacts: number[];
  /** The stamp of the last query that scored it: "seen" without a Set per query. */
  seen: number;
}

/** An indexed word a query word stands for, and what one unit of its impact is worth for this query. */
interface Expansion {
  readonly term: string;
  readonly postings: Postings;
  /** How close the indexed word is to the typed one (1: the word itself), and that times the word's idf. */
  readonly weight: number;
  readonly factor: number;
}

/** How well a word scores in one product: BM25+ per field, times the field's boost, summed. */
function impactsOf(doc: SearchDocument): Map<string, number> {
  const out = new Map<string, number>();
  for (const field of FIELDS) {
    const words = tokenize(doc[field]).map(normalizeTerm).filter(Boolean);
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    const norm = K1 * (1 - B + (B * words.length) / REFERENCE_LENGTH[field]);
    for (const [w, f] of tf) out.set(w, (out.get(w) ?? 0) + BOOST[field] * ((f * (K1 + 1)) / (f + norm) + DELTA));
  }
  return out;
}

/** Before: higher impact, then smaller id. */
function before(impactA: number, idA: string, impactB: number, idB: string): boolean {
  return impactA > impactB || (impactA === impactB && idA < idB);
}

/** Index in a sorted posting list of the first entry not before (impact, id). */
function position(p: Postings, impact: number, id: string): number {
  let lo = 0;
  let hi = p.docs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(p.impacts[mid]!, p.docs[mid]!.id, impact, id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index in `nums` of the first number not below `num`. */
function numPosition(p: Postings, num: number): number {
  const nums = p.nums!;
  let lo = 0;
  let hi = p.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (nums[mid]! < num) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertNum(p: Postings, num: number): void {
  if (p.bits) setBit(p, num);
  else if (p.count + 1 >= BITS_FROM && p.nums) {
    for (let i = 0; i < p.count; i++) setBit(p, p.nums[i]!);
    setBit(p, num);
  }
  if (!p.nums) {
    if (p.docs.length < NUMS_FROM) return;
    // Reached NUMS_FROM: numbered from the list itself (which `num` is already in).
    p.nums = new Int32Array(NUMS_FROM * 2);
    for (const d of p.docs) p.nums[p.count++] = d.num;
    p.nums.subarray(0, p.count).sort();
    return;
  }
  if (p.count === p.nums.length) {
    const grown = new Int32Array(Math.max(4, p.nums.length * 2));
    grown.set(p.nums);
    p.nums = grown;
  }
  // New products have the highest numbers: a full load appends.
  const at = p.count > 0 && p.nums[p.count - 1]! < num ? p.count : numPosition(p, num);
  p.nums.copyWithin(at + 1, at, p.count);
  p.nums[at] = num;
  p.count++;
}

function removeNum(p: Postings, num: number): void {
  if (!p.nums) return;
  const at = numPosition(p, num);
  if (at >= p.count || p.nums[at] !== num) return;
  p.nums.copyWithin(at, at + 1, p.count);
  p.count--;
  if (p.bits) p.bits[num >>> 5]! &= ~(1 << (num & 31));
}

function setBit(p: Postings, num: number): void {
  const word = num >>> 5;
  if (!p.bits || word >= p.bits.length) {
    const grown = new Uint32Array(Math.max(word + 1, (p.bits?.length ?? 0) * 2));
    if (p.bits) grown.set(p.bits);
    p.bits = grown;
  }
  p.bits[word]! |= 1 << (num & 31);
}

function sortPostings(p: Postings): void {
  const order = p.docs.map((_, i) => i);
  order.sort((a, b) => p.impacts[b]! - p.impacts[a]! || (p.docs[a]!.id < p.docs[b]!.id ? -1 : p.docs[a]!.id > p.docs[b]!.id ? 1 : 0));
  p.docs = order.map((i) => p.docs[i]!);
  p.impacts = order.map((i) => p.impacts[i]!);
  p.sorted = true;
}

/** A word's best products in order, over all its expansions (a k-way merge), each product once. */
class WordStream {
  private readonly heads: number[];
  /** The best not yet read, over all expansions: nothing unread scores above it for this word. */
  frontier = 0;
  read = 0;
  constructor(readonly expansions: readonly Expansion[]) {
    this.heads = expansions.map(() => 0);
    this.updateFrontier();
  }
  /** Read to the end: every product with the word was scored. */
  get exhausted(): boolean {
    return this.frontier === 0;
  }
  get done(): boolean {
    return this.frontier === 0 || this.read >= POSTINGS_READ;
  }
  /** The next posting (any expansion), best first. */
  next(): Indexed | undefined {
    let best = -1;
    let bestScore = 0;
    let bestDoc: Indexed | undefined;
    for (let e = 0; e < this.expansions.length; e++) {
      const x = this.expansions[e]!;
      const h = this.heads[e]!;
      if (h >= x.postings.docs.length) continue;
      const score = x.postings.impacts[h]! * x.factor;
      const doc = x.postings.docs[h]!;
      if (best < 0 || before(score, doc.id, bestScore, bestDoc!.id)) {
        best = e;
        bestScore = score;
        bestDoc = doc;
      }
    }
    if (best < 0) return undefined;
    this.heads[best]!++;
    this.read++;
    this.updateFrontier();
    return bestDoc;
  }
  private updateFrontier(): void {
    let f = 0;
    for (let e = 0; e < this.expansions.length; e++) {
      const x = this.expansions[e]!;
      const h = this.heads[e]!;
      if (h < x.postings.docs.length) f = Math.max(f, x.postings.impacts[h]! * x.factor);
    }
    this.frontier = f;
  }
}

export class CatalogSearchIndex implements ProductSearch {
  private readonly vocabulary = new SearchableMap<Postings>();
  /** Each word's postings by its number (undefined once no product has it). */
  private readonly byKey: (Postings | undefined)[] = [];
  private readonly docs = new Map<string, Indexed>();
  /** Entries by number (undefined once deleted): a new entry's number is this array's length. */
  private readonly byNum: (Indexed | undefined)[] = [];
  /** Bitsets of the exact AND step, one per query word, reused across queries. */
  private bitsets: Uint32Array[] = [];
  private readonly unsorted = new Set<Postings>();
  private batching = false;
  private nextKey = 0;
  /**
   * The query's word numbers, an open-addressing set (-1: empty) that stays in the CPU's cache: a product's words
   * are checked against it while scoring. It was an array indexed by word number, as long as the vocabulary: at
   * 100,000 products (a vocabulary of numbers and SKUs) each check was a likely cache miss.
   */
  private readonly queryKeys = new Int32Array(QUERY_KEY_SLOTS);
  private stamp = 0;
  private reads = 0;

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Postings the last search read (over all its words): what a query costs, for tests and benchmarks. */
  get lastSearchReads(): number {
    return this.reads;
  }

  /**
   * Runs `fn` (many set/delete calls) appending to posting lists instead of inserting in order, then sorts each
   * touched list once: a full load costs O(n log n) rather than O(n²) in moved entries.
   */
  batch(fn: () => void): void {
    this.batching = true;
    try {
      fn();
    } finally {
      this.batching = false;
      this.sortPending();
    }
  }

  /**
   * Adds a product, or replaces what was indexed for it; unchanged text is left alone, and so are the words whose
   * impact did not change (a new title leaves the description's common words, whose lists are the longest, as is).
   */
  set(doc: SearchDocument): void {
    const old = this.docs.get(doc.id);
    if (old && sameDocument(old.doc, doc)) return;
    const impacts = impactsOf(doc);
    const unchanged = new Map<string, number>();
    if (old) {
      for (let i = 0; i < old.keys.length; i++) {
        const p = this.byKey[old.keys[i]!]!;
        if (impacts.get(p.term) === old.impacts[i]) unchanged.set(p.term, p.key);
        else this.removePosting(p, old, old.impacts[i]!);
      }
    }
    // The same entry object, updated: the postings of its unchanged words point at it.
    const entry: Indexed = old ?? { id: doc.id, num: this.byNum.length, doc, keys: [], impacts: [], seen: 0 };
    if (!old) this.byNum.push(entry);
    entry.doc = doc;
    entry.keys = [];
    entry.impacts = [];
    for (const [term, impact] of impacts) {
      entry.keys.push(unchanged.get(term) ?? this.addPosting(term, entry, impact));
      entry.impacts.push(impact);
    }
    this.docs.set(doc.id, entry);
  }

  delete(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    for (let i = 0; i < old.keys.length; i++) this.removePosting(this.byKey[old.keys[i]!]!, old, old.impacts[i]!);
    this.docs.delete(id);
    this.byNum[old.num] = undefined; // a hole of 8 bytes per deleted product, until the process restarts
  }

  /** Puts a product in a word's list, in order (or appended while batching); returns the word's number. */
  private addPosting(term: string, entry: Indexed, impact: number): number {
    let p = this.vocabulary.get(term);
    if (!p) {
      p = { term, key: this.nextKey++, docs: [], impacts: [], sorted: true, nums: undefined, count: 0, bits: undefined };
      this.vocabulary.set(term, p);
      this.byKey[p.key] = p;
    }
    if (p.sorted && !this.batching) {
      const at = position(p, impact, entry.id);
      p.docs.splice(at, 0, entry);
      p.impacts.splice(at, 0, impact);
    } else {
      p.docs.push(entry);
      p.impacts.push(impact);
      p.sorted = false;
      this.unsorted.add(p);
    }
    insertNum(p, entry.num);
    return p.key;
  }

  private removePosting(p: Postings, entry: Indexed, impact: number): void {
    const at = p.sorted ? position(p, impact, entry.id) : p.docs.indexOf(entry);
    if (at < 0 || p.docs[at] !== entry) return;
    p.docs.splice(at, 1);
    p.impacts.splice(at, 1);
    removeNum(p, entry.num);
    if (p.docs.length === 0) {
      this.vocabulary.delete(p.term);
      this.byKey[p.key] = undefined;
      this.unsorted.delete(p);
    }
  }

  /** Best matches first (ties in id order, so every instance answers alike), at most `limit`. */
  search(query: string, limit: number): SearchHit[] {
    this.sortPending();
    this.reads = 0;
    const terms = queryTerms(query);
    if (terms.length === 0 || limit < 1) return [];
    const words = terms.map((t) => this.expand(t));
    return this.topK(words, limit);
  }

  /**
   * For a query that found nothing: each word replaced by the nearest indexed word within a looser distance
   * (about 40 % of its length, at most 3 edits; the most frequent among equally near ones), or undefined when no
   * word has a near neighbour.
   */
  suggest(query: string): string | undefined {
    this.sortPending();
    const terms = queryTerms(query);
    let changed = false;
    const out = terms.map((term) => {
      if (term.length < 3) return term;
      const loose = Math.min(3, Math.max(2, Math.round(term.length * 0.4)));
      let best: { word: string; distance: number; df: number } | undefined;
      for (const [word, [p]] of this.vocabulary.fuzzyGet(term, loose)) {
        const distance = editDistance(term, word);
        const df = p.docs.length;
        if (!best || distance < best.distance || (distance === best.distance && (df > best.df || (df === best.df && word < best.word)))) {
          best = { word, distance, df };
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

  private sortPending(): void {
    if (this.batching) return;
    for (const p of this.unsorted) sortPostings(p);
    this.unsorted.clear();
  }

  /** The indexed words a query word stands for, at most MAX_EXPANSIONS: the closest, then the most frequent. */
  private expand(term: string): WordStream {
    const weights = new Map<string, number>();
    const add = (word: string, weight: number): void => {
      if (weight > (weights.get(word) ?? 0)) weights.set(word, weight);
    };
    const prefixOf = (stem: string, factor: number): void => {
      let walked = 0;
      for (const [word] of this.vocabulary.atPrefix(stem)) {
        const extra = word.length - stem.length;
        add(word, extra === 0 ? factor : (factor * PREFIX_WEIGHT * word.length) / (word.length + 0.3 * extra));
        if (++walked >= MAX_PREFIX_WALK) break;
      }
    };
    prefixOf(term, 1);
    const edits = maxEdits(term);
    if (edits > 0) {
      for (const [word, [, distance]] of this.vocabulary.fuzzyGet(term, edits)) {
        if (distance > 0) add(word, (FUZZY_WEIGHT * word.length) / (word.length + distance));
      }
    }
    if (term.length >= 3) for (const s of swaps(term)) prefixOf(s, SWAP_WEIGHT);

    const n = Math.max(1, this.docs.size);
    const picked: Expansion[] = [];
    for (const [word, weight] of weights) {
      const postings = this.vocabulary.get(word);
      if (!postings || postings.docs.length === 0) continue;
      // BM25's idf: a rarer word says more about the product.
      const df = postings.docs.length;
      picked.push({ term: word, postings, weight, factor: weight * Math.log(1 + (n - df + 0.5) / (df + 0.5)) });
    }
    picked.sort((a, b) => b.weight - a.weight || b.postings.docs.length - a.postings.docs.length || (a.term < b.term ? -1 : 1));
    return new WordStream(picked.slice(0, MAX_EXPANSIONS));
  }

  /** What a product scores for each query word: the best of its expansions found in the product, 0 if none. */
  private scores(doc: Indexed, out: Float64Array, uses: QueryUses): Float64Array {
    out.fill(0);
    const slots = this.queryKeys;
    for (let i = 0; i < doc.keys.length; i++) {
      const key = doc.keys[i]!;
      if (slots[querySlot(slots, key)] !== key) continue;
      for (let u = 0; u < uses.keys.length; u++) {
        if (uses.keys[u] !== key) continue;
        const w = uses.words[u]!;
        out[w] = Math.max(out[w]!, doc.impacts[i]! * uses.factors[u]!);
      }
    }
    return out;
  }

  /**
   * The threshold algorithm: read the words' streams in turn, score each product seen in full (all words), keep the
   * best `limit` with every word (AND) and the best `limit` with any (OR), and stop once the `limit`-th best with
   * every word is at least what an unread product could score (the sum of the words' frontiers), or every stream is
   * done (read to its end, or POSTINGS_READ of it). If that leaves the page short of products with every word, the
   * exact AND step finds the rest. AND when anything has every word, else OR over the same reads (so no word's
   * stream is read twice).
   */
  private topK(words: readonly WordStream[], limit: number): SearchHit[] {
    // The query's words by number, in the small set scores() checks a product's words against.
    const uses: QueryUses = { keys: [], words: [], factors: [] };
    this.stamp = ((this.stamp + 1) | 0) || 1; // never 0, what a new entry's `seen` holds
    const slots = this.queryKeys.fill(-1);
    words.forEach((w, word) => {
      for (const x of w.expansions) {
        uses.keys.push(x.postings.key);
        uses.words.push(word);
        uses.factors.push(x.factor);
        slots[querySlot(slots, x.postings.key)] = x.postings.key;
      }
    });
    const stamp = this.stamp;
    const perWord = new Float64Array(words.length);
    const every = new TopList(limit);
    const any = new TopList(limit);
    for (;;) {
      let progressed = false;
      for (const s of words) {
        if (s.done) continue;
        const doc = s.next();
        if (doc === undefined) continue;
        progressed = true;
        this.reads++;
        if (doc.seen === stamp) continue;
        doc.seen = stamp;
        const per = this.scores(doc, perWord, uses);
        let score = 0;
        let missing = false;
        for (const x of per) {
          score += x;
          if (x === 0) missing = true;
        }
        if (!missing) every.offer(doc.id, score);
        if (words.length > 1) any.offer(doc.id, score);
      }
      if (!progressed) break;
      // A stream cut at POSTINGS_READ counts as done: what it did not read is given up (the bound on cost).
      let bound = 0;
      for (const s of words) if (!s.done) bound += s.frontier;
      if (every.full && every.worstScore >= bound) break;
    }
    // First with each word's closest expansions only (as typed, where indexed), then with all: products having the
    // words as typed come before those having one only through a typo or a completion.
    for (const closest of [true, false]) {
      if (every.full || words.every((w) => w.exhausted)) break;
      const chosen = words.map((w) => (closest ? w.expansions.filter((x) => x.weight === w.expansions[0]?.weight) : w.expansions));
      for (const doc of this.withEveryWord(chosen)) {
        if (doc.seen === stamp) continue;
        doc.seen = stamp;
        const per = this.scores(doc, perWord, uses);
        every.offer(doc.id, per.reduce((a, b) => a + b, 0));
      }
    }
    return every.size > 0 ? every.hits() : any.hits();
  }

  /**
   * The products having every query word (through any of the expansions given), at most MAX_AND_SCORED of them
   * (those the reads already scored included): the rarest word's products checked against a bitset of each other
   * word's. O(products of the query's words), but in tight loops over typed arrays, a few ns a product, where
   * reading and scoring a product from a posting list costs microseconds.
   */
  private *withEveryWord(words: readonly (readonly Expansion[])[]): Generator<Indexed> {
    const sizes = words.map((w) => w.reduce((n, x) => n + x.postings.docs.length, 0));
    const driver = sizes.indexOf(Math.min(...sizes));
    const size = (this.byNum.length + 31) >>> 5;
    const others: Uint32Array[] = [];
    let scratch = 0;
    words.forEach((w, i) => {
      if (i === driver) return;
      // A word standing for one indexed word with a bitset of its own is read as it is (never written here). A
      // bitset may be shorter than `size`: reading past its end gives undefined, i.e. no bit set, which is right.
      if (w.length === 1 && w[0]!.postings.bits) return void others.push(w[0]!.postings.bits);
      let bits = this.bitsets[scratch];
      if (!bits || bits.length < size) bits = this.bitsets[scratch] = new Uint32Array(Math.max(size, (bits?.length ?? 0) * 2));
      else bits.fill(0, 0, size);
      scratch++;
      for (const x of w) {
        const { nums, count, docs, bits: own } = x.postings;
        if (own) for (let j = 0, end = Math.min(own.length, size); j < end; j++) bits[j]! |= own[j]!;
        else if (nums) for (let j = 0; j < count; j++) bits[nums[j]! >>> 5]! |= 1 << (nums[j]! & 31);
        else for (const d of docs) bits[d.num >>> 5]! |= 1 << (d.num & 31);
      }
      others.push(bits);
    });
    // By number, not best first: the numbers are contiguous (entries would be a cache miss each). Where more than
    // MAX_AND_SCORED products have every word, the page comes from the first found plus what the reads found.
    let given = 0;
    for (const x of words[driver]!) {
      const { nums, docs } = x.postings;
      const count = nums ? x.postings.count : docs.length;
      for (let j = 0; j < count; j++) {
        const num = nums ? nums[j]! : docs[j]!.num;
        const word = num >>> 5;
        const bit = 1 << (num & 31);
        let all = true;
        for (const bits of others) if ((bits[word]! & bit) === 0) all = false;
        if (!all) continue;
        yield this.byNum[num]!;
        if (++given >= MAX_AND_SCORED) return;
      }
    }
  }
}

/** A query's indexed words (by number), which query word each stands for, and its factor: parallel arrays. */
interface QueryUses {
  readonly keys: number[];
  readonly words: number[];
  readonly factors: number[];
}

/** The best `limit` hits offered, best first (ties: smaller id first). */
class TopList {
  private list: SearchHit[] = [];
  constructor(private readonly limit: number) {}
  get size(): number {
    return this.list.length;
  }
  get full(): boolean {
    return this.list.length >= this.limit;
  }
  get worstScore(): number {
    return this.list[this.list.length - 1]?.score ?? 0;
  }
  offer(id: string, score: number): void {
    const last = this.list[this.list.length - 1];
    if (this.full && last && !before(score, id, last.score, last.id)) return;
    let at = this.list.length;
    while (at > 0 && before(score, id, this.list[at - 1]!.score, this.list[at - 1]!.id)) at--;
    this.list.splice(at, 0, { id, score });
    if (this.list.length > this.limit) this.list.pop();
  }
  hits(): SearchHit[] {
    return this.list;
  }
}

function sameDocument(a: SearchDocument, b: SearchDocument): boolean {
  return FIELDS.every((f) => a[f] === b[f]);
}
