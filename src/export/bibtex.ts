import { citationKey } from '../papers/citation-key.js';
import { isArxivCategory } from '../papers/identifiers.js';
import { arxivAbstractUrl } from '../papers/paper-urls.js';
import { exportedType, fourDigitYear } from './publication.js';
import { pageRange } from '../papers/page-range.js';
import type { Paper } from '../papers/paper.js';
import type { PublicationType } from '../papers/publication-type.js';
import { splitName } from './names.js';
import { singleLine } from './single-line.js';

const specialCharacters: Record<string, string> = {
  '\\': '\\textbackslash{}',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

/**
 * Greek letters and the mathematical signs abstracts use most, as TeX math: pdfLaTeX's UTF-8 input
 * has no text glyph for them (a bibliography holding "α-helix" stops with "Unicode character α"),
 * while math mode sets them in every engine, and biber and the readers turn them back.
 */
const mathSymbols: Record<string, string> = Object.fromEntries(
  Object.entries({
    α: 'alpha',
    β: 'beta',
    γ: 'gamma',
    δ: 'delta',
    ε: 'epsilon',
    ϵ: 'epsilon',
    ζ: 'zeta',
    η: 'eta',
    θ: 'theta',
    ϑ: 'vartheta',
    ι: 'iota',
    κ: 'kappa',
    λ: 'lambda',
    μ: 'mu',
    µ: 'mu',
    ν: 'nu',
    ξ: 'xi',
    π: 'pi',
    ρ: 'rho',
    σ: 'sigma',
    ς: 'varsigma',
    τ: 'tau',
    υ: 'upsilon',
    φ: 'phi',
    ϕ: 'phi',
    χ: 'chi',
    ψ: 'psi',
    ω: 'omega',
    Γ: 'Gamma',
    Δ: 'Delta',
    Θ: 'Theta',
    Λ: 'Lambda',
    Ξ: 'Xi',
    Π: 'Pi',
    Σ: 'Sigma',
    Υ: 'Upsilon',
    Φ: 'Phi',
    Ψ: 'Psi',
    Ω: 'Omega',
    '≤': 'leq',
    '≥': 'geq',
    '≈': 'approx',
    '∼': 'sim',
    '→': 'rightarrow',
    '∞': 'infty',
    '∈': 'in',
    '≠': 'neq',
    '∑': 'sum',
    '√': 'surd',
  }).map(([symbol, command]) => [symbol, `{$\\${command}$}`]),
);
/**
 * A lone Greek letter is a symbol (α-helix, 5 μm, Δt); one within a Greek word is text and stays.
 * A sign is a sign wherever it stands (β≥0.5 kept its ≥ when only Greek letters were looked at).
 */
const greekLetters = Object.keys(mathSymbols).filter((symbol) => /\p{Script=Greek}|µ/u.test(symbol));
const signs = Object.keys(mathSymbols).filter((symbol) => !greekLetters.includes(symbol));
const mathSymbol = new RegExp(`(?<!\\p{Script=Greek})[${greekLetters.join('')}](?!\\p{Script=Greek})|[${signs.join('')}]`, 'gu');

/**
 * Raised and lowered digits, signs and letters (H₂O, m⁻¹, xᵢ, GSBAKᴷ: what the readers make of
 * `H$_2$O` and `$x_{i}$`), by what they raise or lower. pdfLaTeX's UTF-8 input has no glyph for
 * most of them and stops at them; as math scripts (`H{$_{2}$}O`, a run of them as one: `m{$^{-1}$}`)
 * they are set in every engine and read back as the same characters. ¹ ² ³ alone (x²) stay text,
 * which pdfLaTeX sets.
 */
const superscripts: Record<string, string> = scriptTable(
  '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ',
  '0123456789+-=()ABDEGHIJKLMNOPRTUVWabcdefghijklmnoprstuvwxyz',
);
const subscripts: Record<string, string> = scriptTable('₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ', '0123456789+-=()aehijklmnoprstuvx');
const scriptRun = new RegExp(`([${Object.keys(superscripts).join('')}]+)|([${Object.keys(subscripts).join('')}]+)`, 'gu');

function scriptTable(scripts: string, bases: string): Record<string, string> {
  const baseCharacters = [...bases];
  return Object.fromEntries([...scripts].map((script, i) => [script, baseCharacters[i]!]));
}

function scriptsAsMath(run: string, raised: string | undefined, lowered: string | undefined): string {
  if (raised !== undefined && /^[¹²³]+$/u.test(raised)) return run;
  const [mark, scripts, table] = raised !== undefined ? ['^', raised, superscripts] : ['_', lowered!, subscripts];
  return `{$${mark}{${[...scripts].map((script) => table[script]).join('')}}$}`;
}

/**
 * Plain text as a BibTeX value: TeX's special characters escaped, white space collapsed; other
 * Unicode stays (biber and BibTeX 8-bit read it), but for Greek letters and math signs (see
 * mathSymbols). The ligatures TeX makes of -- --- `` and '' (dashes, curly quotes) are broken
 * with {} so the text reads back as it was written. BibTeX counts a brace even after a backslash,
 * so `\{` and `\}` are written only when the text's braces pair up; otherwise a brace left open
 * or closed would end the field early (an abstract ending "…}{https://…"), and each brace is a
 * command.
 */
export function escapeBibtex(text: string): string {
  const parts = texMathParts(singleLine(text));
  const braces = literalBracesPaired(parts.filter((_, i) => i % 2 === 0).join('')) ? pairedBraces : unpairedBraces;
  return parts
    .map((part, i) =>
      i % 2 === 1
        ? escapeInMath(part)
        : part
            .replace(/[\\{}$%&#_~^<>]/g, (char) => braces[char] ?? specialCharacters[char]!)
            .replace(mathSymbol, (symbol) => mathSymbols[symbol]!)
            .replace(scriptRun, scriptsAsMath)
            .replace(/-(?=-)|`(?=`)|'(?=')/g, '$&{}'),
    )
    .join('');
}

/**
 * `%`, `&` and `#` as math written for MathJax holds them (arXiv's `$\textbf{16.3%}$`): TeX reads a
 * bare `%` as a comment to the end of the line, which is the rest of the field, and stops at a
 * bare `&` or `#` in math. Escaped, math sets them as signs; an `&` inside an environment
 * (`\begin{cases} a & b \end{cases}`) separates its columns and is kept.
 */
function escapeInMath(math: string): string {
  const aligned = math.includes('\\begin{');
  return math.replace(/\\.|[%&#]/gs, (match) => (match.length > 1 || (match === '&' && aligned) ? match : `\\${match}`));
}

/**
 * TeX math as arXiv's metadata writes it in titles and abstracts (`$\mu$P`, `$\times$`, `$O(n^2)$`):
 * a pair of dollars around a command, a superscript or a subscript, with balanced braces. Kept as
 * it is, it is typeset as math; escaped, LaTeX printed the dollars and the command's name.
 */
const texMath = /^\$(?:[^$\\{}]|\\[A-Za-z]+|\\.|\{[^{}$]*\})*?(?:\\[A-Za-z]+|[\^_])(?:[^$\\{}]|\\[A-Za-z]+|\\.|\{[^{}$]*\})*\$$/;

/**
 * `line` as text and TeX math, alternating (math at the odd places). Dollars pair up from the
 * left as TeX reads them: a `$` opens before a non-space, and the next `$` after a non-space and
 * not before a digit closes it ("$5 and $10" holds no pair). A pair is math when it reads as
 * texMath, and text (escaped whole) otherwise, so a pair of plain dollars ("$top$") is never
 * taken apart and its closing dollar never opens math with the next one.
 */
function texMathParts(line: string): string[] {
  const parts: string[] = [];
  let textStart = 0;
  let at = line.indexOf('$');
  while (at !== -1) {
    if (!/\S/.test(line[at + 1] ?? '')) {
      at = line.indexOf('$', at + 1);
      continue;
    }
    const close = closingDollar(line, at + 1);
    // No dollar after this one can close math, so none can after a later one either: the rest is
    // text (looking again from each later dollar made a text of many dollars quadratic).
    if (close === -1) break;
    const pair = line.slice(at, close + 1);
    if (texMath.test(pair)) {
      parts.push(line.slice(textStart, at), pair);
      textStart = close + 1;
    }
    at = line.indexOf('$', close + 1);
  }
  parts.push(line.slice(textStart));
  return parts;
}

/** The first `$` from `from` that can close math (after a non-space, not before a digit), or -1. */
function closingDollar(line: string, from: number): number {
  for (let at = line.indexOf('$', from); at !== -1; at = line.indexOf('$', at + 1)) {
    if (/\S/.test(line[at - 1] ?? '') && !/\d/.test(line[at + 1] ?? '')) return at;
  }
  return -1;
}

const pairedBraces: Record<string, string> = { '{': '\\{', '}': '\\}' };
const unpairedBraces: Record<string, string> = { '{': '\\textbraceleft{}', '}': '\\textbraceright{}' };

/** Whether every `{` of plain text is closed by a later `}` and every `}` closes one. */
function literalBracesPaired(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '{') depth++;
    else if (char === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * A title with its acronyms and mixed-case words ("BERT", "ImageNet", "GPT-4") braced, so
 * styles that lower-case titles leave them alone. Words capitalised only at their first letter
 * are not braced, so proper nouns like "Gaussian" may be lower-cased by such styles.
 */
export function protectTitleCase(title: string): string {
  // A space within TeX math does not end a word: the math is escaped (kept) whole.
  return texMathParts(title.replace(/\s+/g, ' ').trim())
    .map((part, i) => (i % 2 === 1 ? part.replaceAll(' ', mathSpace) : part))
    .join('')
    .split(' ')
    .map((word) => word.replaceAll(mathSpace, ' '))
    .map((word) => {
      const [, before = '', core = '', after = ''] = /^([(\[“‘"']*)(.*?)([)\]”’"'.,:;!?]*)$/u.exec(word) ?? [];
      return /.\p{Lu}/u.test(core) ? `${escapeBibtex(before)}{${escapeBibtex(core)}}${escapeBibtex(after)}` : escapeBibtex(word);
    })
    .join(' ');
}

/** A stand-in for a space inside TeX math while a title is split into words (a noncharacter no text holds). */
const mathSpace = '\uFDD2';

/** "von Last, Jr, First" as BibTeX reads names, organisations braced whole. */
export function bibtexName(displayName: string): string {
  const parts = splitName(displayName);
  if (parts.literal !== undefined) return `{${escapeBibtex(parts.literal)}}`;
  const family = escapeBibtex([parts.particle, parts.family].filter(Boolean).join(' '));
  return [family, parts.suffix && escapeBibtex(parts.suffix), parts.given && escapeBibtex(parts.given)].filter(Boolean).join(', ');
}

/**
 * The entry type of each kind of publication: preprints and other works are @misc, as arXiv's own
 * BibTeX is, and so are datasets (Zotero's BibTeX import discards an entry type it does not know,
 * and BibLaTeX's @dataset is one).
 */
const entryTypes: Record<PublicationType, string> = {
  'journal-article': 'article',
  'conference-paper': 'inproceedings',
  'book-chapter': 'incollection',
  book: 'book',
  thesis: 'phdthesis',
  report: 'techreport',
  preprint: 'misc',
  dataset: 'misc',
  other: 'misc',
};

/** The field that names the venue in each entry type: the journal, the book or proceedings, or the publisher (see venueIsPublisher). */
const venueFields: Record<PublicationType, string> = {
  'journal-article': 'journal',
  'conference-paper': 'booktitle',
  'book-chapter': 'booktitle',
  book: 'publisher',
  thesis: 'school',
  report: 'institution',
  preprint: 'journal',
  dataset: 'publisher',
  other: 'publisher',
};

/** BibTeX's month macros, January first: classic styles read the month from `month` alone, not from BibLaTeX's `date`. */
const monthMacros = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * One paper as a BibTeX entry of its type (exportedType: a paper without one is an @article when
 * it has a venue or a non-arXiv DOI, else @misc); arXiv papers carry eprint, archivePrefix and
 * primaryClass, which BibTeX styles and biber both read.
 */
export function paperToBibtex(paper: Paper, key = citationKey(paper.id)): string {
  const type = exportedType(paper);
  const fields: [string, string | undefined][] = [
    ['title', paper.title ? protectTitleCase(paper.title) : undefined],
    ['author', paper.authors && paper.authors.length > 0 ? paper.authors.map(bibtexName).join(' and ') : undefined],
    ['year', paper.year !== undefined ? fourDigitYear(paper.year) : undefined],
    ['month', paper.date && paper.date.length > 4 ? monthMacros[Number(paper.date.slice(5, 7)) - 1] : undefined],
    ['date', paper.date && paper.date.length > 4 ? escapeBibtex(paper.date) : undefined],
    [venueFields[type], paper.venue ? escapeBibtex(paper.venue) : undefined],
    ['volume', paper.volume ? escapeBibtex(paper.volume) : undefined],
    ['number', paper.issue ? escapeBibtex(paper.issue) : undefined],
    ['pages', paper.pages ? bibtexPages(paper.pages) : undefined],
    ['doi', paper.doi ? verbatim(paper.doi) : undefined],
    ['url', paperUrl(paper)],
    ['eprint', paper.arxiv_id ? escapeBibtex(paper.arxiv_id) : undefined],
    ['archiveprefix', paper.arxiv_id ? 'arXiv' : undefined],
    ['primaryclass', paper.arxiv_id ? paper.categories?.find(isArxivCategory) : undefined],
    ['keywords', paper.categories && paper.categories.length > 0 ? paper.categories.map(bibtexKeyword).join(', ') : undefined],
    ['abstract', paper.abstract ? escapeBibtex(paper.abstract) : undefined],
  ];
  const body = fields
    .filter((field): field is [string, string] => field[1] !== undefined && field[1].length > 0)
    // A month is BibTeX's macro (mar), which every style prints as its name; braced it is a string.
    .map(([name, value]) => (name === 'month' ? `  month = ${value}` : `  ${name} = {${value}}`))
    .join(',\n');
  return `@${entryTypes[type]}{${key},\n${body}\n}\n`;
}

/** A keyword holding a comma or semicolon is braced, so it is read back as one (`{Carcinoma, Squamous Cell}`). */
function bibtexKeyword(keyword: string): string {
  const escaped = escapeBibtex(keyword);
  return /[,;]/.test(keyword) ? `{${escaped}}` : escaped;
}

/** Pages as BibTeX writes them: a range with "--" (an en dash once typeset), any other form as it is. */
function bibtexPages(pages: string): string {
  const range = pageRange(pages);
  return range ? range.map(escapeBibtex).join('--') : escapeBibtex(pages);
}

/** A .bib file of papers, each under its citation key (see citationKeys). */
export function papersToBibtex(papers: Iterable<Paper>): string {
  const list = [...papers];
  const keys = citationKeys(list.map((paper) => paper.id));
  return list.map((paper, i) => paperToBibtex(paper, keys[i])).join('\n');
}

/**
 * Each id's citation key, unique within a file ignoring case (BibTeX and biber compare keys so:
 * Smith2020 and smith2020 would be one entry). An id that is a key already keeps it; a key made
 * from another id (see citationKey) that would repeat one gets a suffix (a, b, …), as reference
 * managers do.
 */
function citationKeys(ids: readonly string[]): string[] {
  const used = new Set<string>();
  const kept = ids.map((id) => {
    const keepsId = citationKey(id) === id && !used.has(id.toLowerCase());
    if (keepsId) used.add(id.toLowerCase());
    return keepsId;
  });
  return ids.map((id, i) => {
    if (kept[i]) return id;
    const base = citationKey(id);
    let key = base;
    for (let n = 0; used.has(key.toLowerCase()); n++) key = `${base}${suffixLetters(n)}`;
    used.add(key.toLowerCase());
    return key;
  });
}

function suffixLetters(n: number): string {
  return n < 26 ? String.fromCharCode(97 + n) : `${suffixLetters(Math.floor(n / 26) - 1)}${String.fromCharCode(97 + (n % 26))}`;
}

/** The paper's URL; for an arXiv paper without one, its abstract page. */
function paperUrl(paper: Paper): string | undefined {
  const url = paper.url ?? (paper.arxiv_id ? arxivAbstractUrl(paper.arxiv_id) : undefined);
  return url === undefined ? undefined : verbatim(url);
}

/**
 * DOIs and URLs are verbatim fields for biblatex (written as they are, as Better BibTeX does).
 * A brace would end the field and white space would be folded, so those are percent-encoded:
 * the same address to a browser and to doi.org, where dropping them named another one.
 */
function verbatim(value: string): string {
  return value.replace(/[{}\s]/g, (character) => encodeURIComponent(character));
}
