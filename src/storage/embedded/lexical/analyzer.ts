import { stemmer } from 'stemmer';
import { plainLetters } from '../../../shared/unicode.js';

/**
 * The English analyzer of the lexical index. It follows Anserini's default English analyzer
 * (Lucene's StandardTokenizer, lower-casing, Lucene's English stop set, Porter stemming), because
 * the BM25 parameters and the published BM25 baselines we compare with were tuned on that chain;
 * where it departs from it, the comment says why.
 *
 * 1. Lower-case, NFKD and drop the marks writers may leave out: accents ("Schrödinger" and
 *    "Schrodinger" meet) and the vowel points of Hebrew and Arabic. Compatibility forms fold too
 *    ("ﬁ" → "fi", "²" → "2", full-width letters → ASCII), except that a superscript after a
 *    digit is an exponent, a number of its own: "10⁶" is "10" + "6", as "10^6" is, not "106"
 *    (TeX's "$10^6$" is read as "10⁶"); "m²" and "CO₂" stay "m2" and "co2". Letters NFKD leaves whole are folded
 *    as the authors filter folds them (plainLetters): "Straße" and "Strasse", "Łukasiewicz" and
 *    "Lukasiewicz", "Søren" and "Soren" meet. Marks that are part of their letter stay (the kana
 *    voicing marks, Devanagari and Thai vowel signs): dropping them made other words of these,
 *    "パス" (path) and "バス" (bus) both "ハス", "काम" (work) "कम" (less). v1 drops every mark and
 *    keeps the letters NFKD leaves whole.
 * 2. Tokens are maximal runs of Unicode letters and digits; everything else splits, hyphens and
 *    apostrophes included. Letters and digits stay together, so "covid19", "3d", "gpt4" and "h1n1"
 *    are one token each, while "covid-19" is "covid" + "19" (queries are analyzed the same way,
 *    so "COVID-19" in a query meets "covid-19" in an abstract). Tokens longer than 255 characters
 *    (Lucene's limit) are dropped: sequences, hashes or extraction debris, never query words.
 * 3. Single-letter tokens are dropped, single digits are kept. With apostrophes splitting, one
 *    letter is mostly a fragment ("author's" → "s", "don't" → "t"), an initial or a variable
 *    name; a lone digit usually carries meaning ("type 2 diabetes", "phase 3", "IL-6"). Greek
 *    letters ("TNF-α") are dropped by the same rule. A letter with "++" or "#" right after it and
 *    nothing of a word beyond is a name, kept with its symbols: "C++", "C#", "F#" are "c++",
 *    "c#", "f#" (not in v1, where a query for them had no term at all). On SciFact (title + abstract, BM25, 809
 *    training queries) the choice is within noise: nDCG@10 0.694 as here, 0.696 keeping single
 *    letters, 0.694 dropping single digits too.
 * 4. Lucene's English stop set (33 words, Anserini's default) is removed. It is deliberately
 *    short: BM25's idf already discounts frequent words, and longer lists (NLTK, SMART) also
 *    remove words that matter in scientific queries ("against", "between", "during", "without").
 * 5. Porter stemming (the original algorithm, as Lucene's PorterStemFilter) of tokens made only
 *    of a–z; tokens with digits or other scripts are kept whole, since Porter's rules are about
 *    English suffixes and would only mangle "covid19" or a Cyrillic word.
 * 6. In a paper (role `document`), words joined by hyphens also count as the one word they make,
 *    after their parts (as Lucene's WordDelimiterGraphFilter catenates them): "pre-training" is
 *    "pre", "train" and "pretrain", so a query for "pretraining" finds it, as "finetuning" finds
 *    "fine-tuning", "multimodal" "multi-modal", "tsne" "t-SNE" and "covid19" "COVID-19" (arXiv
 *    writes each both ways, in hundreds of papers: a query in one spelling found none of the
 *    papers in the other). Not numbers alone ("1990-2000" is no word), nor an en dash (a range,
 *    two names). A query (role `query`) keeps its hyphenated words as their parts: joined there too,
 *    a hyphenated word counted twice, and ranking lost on both benchmarks (SciFact train hybrid
 *    nDCG@10 0.741 against 0.743, CSFCube papers-like-an-abstract MAP 38.8 against 39.5), where
 *    joined in papers alone it gained (0.744; 39.5, the same).
 *
 * `analyzer` names the version: an index is searched, and grows by writes, with the version that
 * built it (its manifest's `lexical.analyzer`), so folders built before a change keep their terms
 * meaning what they meant; new builds and snapshots use the current version, `analyzerName`.
 *
 * Pure: the same text always gives the same terms. The cache of analyzed tokens behind it is
 * invisible from outside, and bounded.
 */
export function analyze(text: string, analyzer: AnalyzerName = analyzerName, role: TextRole = 'query'): string[] {
  // Emptied between texts, never during one: the ids of the current text stay valid.
  let dictionary = sharedDictionaries.get(analyzer);
  if (dictionary === undefined || dictionary.tokenCount > sharedDictionaryLimit) {
    dictionary = new TermDictionary(analyzer);
    sharedDictionaries.set(analyzer, dictionary);
  }
  const ids = dictionary.termIds(text, role);
  return ids.map((id) => dictionary.term(id));
}

/** What a text is to the lexical index: a paper's text it indexes, or a query it searches with (step 6). */
export type TextRole = 'document' | 'query';

/**
 * The versions of this analyzer, oldest first, as index manifests name them. Add one whenever
 * `analyze` gives different terms for some text (tokenizing, folding, stop words, stemming),
 * keeping the older ones: an index built with other terms than its queries get silently misses
 * them. v2 folds the letters NFKD leaves whole (ß, ø, ł, æ, …), which v1 kept, and keeps the
 * marks that are part of their letter (kana voicing marks, Indic and Thai vowel signs), which v1
 * dropped, "C++", "C#" and "F#", which v1 dropped as single letters, and exponents ("10⁶"), which
 * v1 joined to their base ("106"). v3 also counts a paper's words joined by hyphens as one word (step 6).
 */
export const analyzerNames = ['english-lucene33stop-porter-v1', 'english-lucene33stop-porter-v2', 'english-lucene33stop-porter-v3'] as const;

export type AnalyzerName = (typeof analyzerNames)[number];

/** The version new indexes are built with. */
export const analyzerName: AnalyzerName = 'english-lucene33stop-porter-v3';

export function isAnalyzerName(name: string): name is AnalyzerName {
  return (analyzerNames as readonly string[]).includes(name);
}

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, which Anserini uses by default. */
export const englishStopWords: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);

/**
 * Numbers the distinct terms of the texts it analyzes (0, 1, 2, … in order of first appearance)
 * and remembers every distinct token it has seen with its term. `termIds(text)` gives exactly
 * `analyze(text)`, as ids: the index builder uses one dictionary for the whole corpus, so each
 * token costs one lookup here instead of an analysis plus a string-keyed Map lookup per term,
 * which was most of the build time.
 *
 * The token table is open addressing keyed by the token's characters, hashed (FNV-1a) during
 * the scan: a token seen before costs no substring, no regular expression and no Porter run
 * (Porter is a chain of regular expressions, and a corpus repeats the same few thousand words).
 */
export class TermDictionary {
  private readonly analyzer: AnalyzerName;
  private readonly terms: string[] = [];
  private readonly idsByTerm = new Map<string, number>();
  // Per distinct token: its characters, its FNV-1a hash and its term id (-1: the token is dropped).
  private readonly tokens: string[] = [];
  private tokenHashes: Int32Array = new Int32Array(1024);
  private tokenTermIds: Int32Array = new Int32Array(1024);
  // Token index + 1 per slot, 0 for an empty slot; at most half full, so probes stay short.
  private slots = new Int32Array(2048);

  constructor(analyzer: AnalyzerName = analyzerName) {
    this.analyzer = analyzer;
  }

  /** Distinct terms numbered so far. */
  get size(): number {
    return this.terms.length;
  }

  /** Distinct tokens remembered so far (several tokens can share a term: "network", "networks"). */
  get tokenCount(): number {
    return this.tokens.length;
  }

  term(id: number): string {
    const term = this.terms[id];
    if (term === undefined) throw new RangeError(`No term ${id} in this dictionary.`);
    return term;
  }

  /** The terms by id (index = id). */
  allTerms(): readonly string[] {
    return this.terms;
  }

  /** The ids of the terms of `text`, in text order, repeats included; `role` as for analyze. */
  termIds(text: string, role: TextRole = 'query'): number[] {
    const lower = text.toLowerCase();
    // Lower-cased again after NFKD: compatibility forms such as mathematical bold capitals
    // have no lower case of their own and only become "G", "P", "T" once decomposed.
    let folded = lower;
    if (nonAsciiPattern.test(lower)) {
      folded =
        this.analyzer === 'english-lucene33stop-porter-v1'
          ? lower.normalize('NFKD').toLowerCase()
          : plainLetters(lower.replace(superscriptAfterDigitPattern, ' ').normalize('NFKD'));
    }
    const ids: number[] = [];
    // A token is a letter or digit followed by letters, digits and combining marks (NFKD put the
    // marks there; termOf drops those writers may leave out, and scripts written with marks,
    // Devanagari or Thai, keep whole words instead of splitting at every vowel sign): the
    // regular expression /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu, written as a scan of character
    // codes so that each token is hashed as it goes and looked up without being cut out of the text.
    let start = -1;
    let hash = hashSeed;
    // Where the first of words joined by hyphens starts (step 6), while the scan is in them.
    let compoundStart = -1;
    for (let i = 0; i <= folded.length; i++) {
      let code = i < folded.length ? folded.charCodeAt(i) : 32;
      let kind = characterKinds[code]!;
      if (kind === unclassified) kind = classifyCodeUnit(code);
      let width = 1;
      if (kind === surrogate) {
        const next = folded.charCodeAt(i + 1);
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = (code - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
          kind = kindOfCharacter(String.fromCodePoint(code));
          width = 2;
        } else {
          kind = other;
        }
      }
      if (kind === wordCharacter || (kind === mark && start >= 0)) {
        if (start < 0) {
          start = i;
          hash = hashSeed;
        }
        hash = Math.imul(hash ^ code, hashPrime);
      } else if (start >= 0) {
        const end = i - start === 1 && this.analyzer !== 'english-lucene33stop-porter-v1' ? i + nameSymbolsAfter(folded, start, i) : i;
        for (let j = i; j < end; j++) hash = Math.imul(hash ^ folded.charCodeAt(j), hashPrime);
        const id = this.termIdOfToken(folded, start, end, hash);
        if (id >= 0) ids.push(id);
        if (role === 'document' && this.joinsHyphenatedWords && end === i) {
          if (isHyphen(folded.charCodeAt(i)) && startsWord(folded, i + 1)) {
            if (compoundStart < 0) compoundStart = start;
          } else if (compoundStart >= 0) {
            const joined = this.joinedWordId(folded.slice(compoundStart, end));
            if (joined >= 0) ids.push(joined);
            compoundStart = -1;
          }
        } else {
          compoundStart = -1;
        }
        start = -1;
        // Past the symbols taken into the token (a "+" or "#": one code unit each).
        if (end > i) i = end - 1;
      }
      i += width - 1;
    }
    return ids;
  }

  private get joinsHyphenatedWords(): boolean {
    return this.analyzer !== 'english-lucene33stop-porter-v1' && this.analyzer !== 'english-lucene33stop-porter-v2';
  }

  /** The term of words joined by hyphens (`text`, hyphens included) written as one; -1 for numbers alone. */
  private joinedWordId(text: string): number {
    const joined = text.replace(hyphens, '');
    if (!letterPattern.test(joined)) return -1;
    let hash = hashSeed;
    for (const character of joined) hash = Math.imul(hash ^ character.codePointAt(0)!, hashPrime);
    return this.termIdOfToken(joined, 0, joined.length, hash);
  }

  private termIdOfToken(source: string, start: number, end: number, hash: number): number {
    // Not remembered: such tokens are rare and all dropped.
    if (end - start > maxTokenLength) return -1;
    const mask = this.slots.length - 1;
    let slot = slotOf(hash, mask);
    for (let token = this.slots[slot]! - 1; token >= 0; token = this.slots[slot]! - 1) {
      if (this.tokenHashes[token] === hash && sameCharacters(this.tokens[token]!, source, start, end)) {
        return this.tokenTermIds[token]!;
      }
      slot = (slot + 1) & mask;
    }
    const token = detached(source.slice(start, end));
    const term = termOf(token, this.analyzer);
    let id = -1;
    if (term !== null) {
      id = this.idsByTerm.get(term) ?? this.terms.length;
      if (id === this.terms.length) {
        this.terms.push(term);
        this.idsByTerm.set(term, id);
      }
    }
    const index = this.tokens.length;
    this.tokens.push(token);
    if (index === this.tokenHashes.length) {
      this.tokenHashes = grown(this.tokenHashes);
      this.tokenTermIds = grown(this.tokenTermIds);
    }
    this.tokenHashes[index] = hash;
    this.tokenTermIds[index] = id;
    this.slots[slot] = index + 1;
    if (2 * this.tokens.length > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let token = 0; token < this.tokens.length; token++) {
      let slot = slotOf(this.tokenHashes[token]!, mask);
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = token + 1;
    }
  }
}

// The dictionary behind `analyze`, replaced by an empty one past this many tokens so that a
// long-running server analyzing arbitrary queries does not grow without bound; a corpus's
// frequent words come back within a few texts.
const sharedDictionaryLimit = 200_000;
const sharedDictionaries = new Map<AnalyzerName, TermDictionary>();

/** The term of one token (lower-case, as the tokenizer leaves it), or null when the token is dropped (one letter, stop word). */
export function termOf(token: string, analyzer: AnalyzerName = analyzerName): string | null {
  const nonAscii = nonAsciiPattern.test(token);
  const letters = nonAscii ? token.replace(markPattern, '') : token;
  if (letters.length === 0) return null;
  if (letters.length === 1 && !digitPattern.test(letters)) return null;
  const bare = nonAscii && analyzer !== 'english-lucene33stop-porter-v1' ? token.replace(optionalMarkPattern, '') : letters;
  if (englishStopWords.has(bare)) return null;
  return asciiLowerWordPattern.test(bare) ? detached(stemmer(bare)) : bare;
}

const maxTokenLength = 255;
// Where a superscript digit follows a digit (see analyze: an exponent starts a token).
const superscriptAfterDigitPattern = /(?<=\p{Nd})(?=[\u00b2\u00b3\u00b9\u2070\u2074-\u2079])/gu;
const markPattern = /\p{M}/gu;
// The marks writers may leave out (see analyze): the combining diacritical marks (accents of
// Latin, Greek and Cyrillic letters, in their four blocks and the half marks), Hebrew points and
// Arabic vowel signs.
const optionalMarkPattern =
  /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]/g;
// Plain ASCII (the bulk of English abstracts) needs neither normalization nor mark removal.
const nonAsciiPattern = /[^\u0000-\u007f]/;
const asciiLowerWordPattern = /^[a-z]+$/;
const digitPattern = /^\p{N}$/u;

// Kind of each UTF-16 code unit, classified on first sight by the Unicode property regexes and
// remembered (64 KB), so the scan runs no regular expression per character.
const unclassified = 0;
const wordCharacter = 1;
const mark = 2;
const other = 3;
const surrogate = 4;
const characterKinds = new Uint8Array(0x10000);
characterKinds.fill(surrogate, 0xd800, 0xe000);
const letterOrDigitPattern = /^[\p{L}\p{N}]$/u;
const singleMarkPattern = /^\p{M}$/u;

/**
 * How many of the characters after the one-letter token text[start, end) make it a name: 2 for
 * "c++", 1 for "c#" and "f#", when nothing of a word follows ("c++11" stays "c" and "11"); else 0.
 */
function nameSymbolsAfter(text: string, start: number, end: number): number {
  const letter = text.charCodeAt(start);
  if (letter < 0x61 || letter > 0x7a) return 0;
  const symbols = text.startsWith('++', end) ? 2 : text[end] === '#' ? 1 : 0;
  const next = text[end + symbols];
  return symbols > 0 && (next === undefined || !wordOrNameSymbolPattern.test(next)) ? symbols : 0;
}

const wordOrNameSymbolPattern = /[\p{L}\p{N}\p{M}+#]/u;

/** The hyphen-minus and Unicode's hyphen (a non-breaking hyphen is one once NFKD folds it); not dashes. */
const hyphens = /[-\u2010]/g;
const letterPattern = /\p{L}/u;

function isHyphen(code: number): boolean {
  return code === 0x2d || code === 0x2010;
}

/** Whether a word starts at `at`: a letter or digit, as a token does (the scan's table of kinds, as for every character). */
function startsWord(text: string, at: number): boolean {
  if (at >= text.length) return false;
  const code = text.charCodeAt(at);
  const kind = characterKinds[code] === unclassified ? classifyCodeUnit(code) : characterKinds[code];
  return kind === wordCharacter || (kind === surrogate && kindOfCharacter(String.fromCodePoint(text.codePointAt(at)!)) === wordCharacter);
}

function kindOfCharacter(character: string): number {
  if (letterOrDigitPattern.test(character)) return wordCharacter;
  return singleMarkPattern.test(character) ? mark : other;
}

function classifyCodeUnit(code: number): number {
  const kind = kindOfCharacter(String.fromCharCode(code));
  characterKinds[code] = kind;
  return kind;
}

const hashSeed = 0x811c9dc5 | 0;
const hashPrime = 0x01000193;

function slotOf(hash: number, mask: number): number {
  // FNV's low bits depend mostly on the last characters; a final mix spreads the whole token.
  let mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  mixed ^= mixed >>> 13;
  return mixed & mask;
}

function sameCharacters(token: string, source: string, start: number, end: number): boolean {
  if (token.length !== end - start) return false;
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) !== source.charCodeAt(start + i)) return false;
  return true;
}

function grown(array: Int32Array): Int32Array {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 keeps a substring
 * (and a regex result built from one) as a view into its parent, so a remembered token or an
 * index term would otherwise keep a whole abstract alive for as long as the process runs.
 */
function detached(text: string): string {
  const codes: number[] = [];
  for (let i = 0; i < text.length; i++) codes.push(text.charCodeAt(i));
  return String.fromCharCode(...codes);
}
