import type { Creator, Options, parse as parseBibtexLibrary } from '@retorquere/bibtex-parser';
import { resolveSiunitx } from './siunitx.js';

type BibtexLibraryParse = typeof parseBibtexLibrary;

let parserLoading: Promise<BibtexLibraryParse> | undefined;

/** The BibTeX library, loaded on first use: importing it takes a few hundred milliseconds. */
export function loadBibtexLibrary(): Promise<BibtexLibraryParse> {
  parserLoading ??= import('@retorquere/bibtex-parser').then((library) => library.parse);
  return parserLoading;
}

/** Math operators written as commands (every one LaTeX defines): the words themselves are worth keeping in plain text. */
const operatorNames = new Set([
  ...['log', 'lg', 'ln', 'exp', 'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'coth'],
  ...['max', 'min', 'arg', 'sup', 'inf', 'lim', 'limsup', 'liminf', 'det', 'dim', 'ker', 'hom', 'deg', 'gcd', 'Pr'],
]);

/**
 * The TeX family's logos, as their names: the library knew only \LaTeX and printed the rest as
 * nothing (\BibTeX) or, as an unknown command, spaced apart from the word around it ("The TeX book").
 */
const texLogos: Record<string, string> = {
  TeX: 'TeX',
  LaTeX: 'LaTeX',
  LaTeXe: 'LaTeX2e',
  BibTeX: 'BibTeX',
  XeTeX: 'XeTeX',
  XeLaTeX: 'XeLaTeX',
  LuaTeX: 'LuaTeX',
  LuaLaTeX: 'LuaLaTeX',
  pdfTeX: 'pdfTeX',
  pdfLaTeX: 'pdfLaTeX',
  ConTeXt: 'ConTeXt',
  METAFONT: 'METAFONT',
};
/** A logo command with the `{}` or control space that ends it; a plain space after it is kept, so the next word stays apart. */
const texLogo = new RegExp(`\\\\(${Object.keys(texLogos).join('|')})(?![A-Za-z])(?:\\{\\}|\\\\(?=\\s))?`, 'g');

function resolveTexLogos(tex: string): string {
  return tex.includes('\\') ? tex.replace(texLogo, (_match, name: string) => texLogos[name]!) : tex;
}

/**
 * Stand-in for a bare `%` through the library: a noncharacter (U+FDD3), as for `<` and `>` below.
 * The library reads a bare `%` as TeX does, a comment running to the end of the field ("$x$ and
 * 50% more" became "x and 50"), and an escaped one in a `\url{…}` as its two characters.
 */
const percent = '\uFDD3';

/** A bare `%` as the percent sign its writer meant, as BibTeX keeps it and the path without the library reads it. */
function escapeBarePercents(tex: string): string {
  return tex.includes('%') ? tex.replace(/\\.|%/gs, (match) => (match === '%' ? percent : match)) : tex;
}

/**
 * The space TeX puts around an operator name (`$n\log n$`, `$\log\alpha$`), decided once the
 * library's text is known: a noncharacter (U+FDD4), as for `%` above. TeX puts none beside
 * punctuation, brackets, scripts or a text's own space, so a plain space made "tanh -shaped" of
 * `$\tanh$-shaped` and "log ," of `$\log$,`.
 */
const operatorSpace = '\uFDD4';
/**
 * Where TeX spaces an operator name: after a letter, number, script, closing bracket or prime
 * (`$(n-r)\log q$`), and before a letter or digit, not before a script (`$\log_2 n$`, `$\sin^2$`)
 * or an opening bracket (`$\log(x)$`).
 */
const operatorSpaceBetween = /(?<=[\p{L}\p{N}\p{M})\]}|'′])\uFDD4+(?=[\p{Lu}\p{Ll}\p{Lt}\p{Lo}\p{Nd}|√∂∇])/gu;

/**
 * Math between `\(…\)`, `\[…\]` or `$$…$$` written as `$…$`: the steps below read math between
 * dollars only, and the library dropped display math and everything in it ("we propose the PDE
 * \[ … \] where" became "we propose the PDE where"). In plain text the two kinds read alike.
 * Escaped characters and inline math are read past whole, so `\\[2pt]`, `\$` and adjacent inline
 * math (`$a$$b$`) stay as they are.
 */
function mathAsDollars(tex: string): string {
  if (!tex.includes('\\(') && !tex.includes('\\[') && !tex.includes('$$')) return tex;
  return tex.replace(
    /\\\(([\s\S]*?)\\\)|\\\[([\s\S]*?)\\\]|\$\$([^$]+)\$\$|\\.|\$[^$]*\$/g,
    (match, inline: string | undefined, display: string | undefined, dollars: string | undefined) => {
      const math = inline ?? display ?? dollars;
      return math === undefined ? match : `$${math}$`;
    },
  );
}

/** Text commands the library does not know, with the characters they print. */
const textCommands: Record<string, string> = { textquotesingle: "'", textminus: '\u2212' };

const libraryOptions: Options = {
  // Titles keep the case they were written in: they are searched and shown, not typeset.
  sentenceCase: false,
  caseProtection: false,
  applyCrossRef: false,
  unsupported: (_node, tex) => {
    if (/^\\\s$/.test(tex)) return ' ';
    const name = /^\\([A-Za-z]+)$/.exec(tex.trim())?.[1];
    if (name === undefined) return '';
    return textCommands[name] ?? (operatorNames.has(name) ? `${operatorSpace}${name}${operatorSpace}` : '');
  },
};

/**
 * TeX that the fast path cannot finish: a command other than an escaped special character, or
 * math. The library's LaTeX parser costs milliseconds per call, so plain fields skip it.
 */
const needsLibrary = /\\(?![&%$#_{}])|(?<!\\)\$|\^/;

const simpleReplacements: Record<string, string> = { '{': '', '}': '', '~': ' ', '---': '\u2014', '--': '\u2013', '``': '\u201C', "''": '\u201D' };

/** Plain text of TeX that holds at most escaped specials, braces, ties, dashes and quote ligatures. */
export function simpleText(tex: string): string {
  return tex
    .replace(/\\([&%$#_{}])|[{}~]|---?|``|''|\s+/g, (match, escaped: string | undefined) => escaped ?? simpleReplacements[match] ?? ' ')
    .trim()
    .normalize('NFC');
}

/** Accent commands and the combining marks they stand for. */
const accentMarks: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030C',
  H: '\u030B',
  c: '\u0327',
  k: '\u0328',
  r: '\u030A',
  d: '\u0323',
  b: '\u0331',
};
const letterCommands: Record<string, string> = {
  ss: 'ß',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  aa: 'å',
  AA: 'Å',
  o: 'ø',
  O: 'Ø',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
};
/** \'e, \'{e}, \"{\i}; letter-named accents need a brace or a space: \c{c}, \v s. */
const symbolAccent = /\\(['`^"~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))/g;
const letterAccent = /\\([uvHckrdb])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))/g;
/** \ss-style letters come first; the dotless i and j last, since accents take them as their base (\'{\i}). */
const letterCommand = /\\(ss|ae|AE|oe|OE|aa|AA|[oOlL])(?![A-Za-z])(?:\s*\{\}|\s*)/g;
const dotlessLetter = /\\([ij])(?![A-Za-z])(?:\s*\{\}|\s*)/g;

/**
 * An accent over nothing (`\~{}`, `{\^{}}`) is how Mendeley and JabRef write a literal tilde or
 * caret (`http://host/{\~{}}user/`): the characters themselves, not combining marks.
 */
const accentOverNothing = /\\([~^])\s*\{\s*\}/g;

function literalTildesAndCarets(tex: string): string {
  return tex.replace(accentOverNothing, (_match, mark: string) => (mark === '~' ? '\\textasciitilde{}' : '\\textasciicircum{}'));
}

/** Math accents and the combining marks they stand for: the library dropped them with their argument ($\hat{H}$ became nothing). */
const mathAccentMarks: Record<string, string> = {
  hat: '\u0302',
  widehat: '\u0302',
  tilde: '\u0303',
  widetilde: '\u0303',
  bar: '\u0304',
  overline: '\u0305',
  breve: '\u0306',
  dot: '\u0307',
  ddot: '\u0308',
  mathring: '\u030A',
  check: '\u030C',
  acute: '\u0301',
  grave: '\u0300',
  vec: '\u20D7',
  underline: '\u0332',
};
const mathAccent =
  /\\(hat|widehat|tilde|widetilde|bar|overline|breve|dot|ddot|mathring|check|acute|grave|vec|underline)(?![A-Za-z])\s*(?:\{((?:[^{}]|\{[^{}]*\})*)\}|(\\[A-Za-z]+|[A-Za-z0-9]))/g;

/** Inline math, `$…$`, not opened by an escaped dollar. */
const inlineMath = /(?<!\\)\$[^$]+\$/g;

/**
 * Stand-in for an escaped underscore in math through the library: a noncharacter (U+FDD2), as for
 * `<` and `>` below. The library reads `\_` in math as a subscript (`$a\_b$` became "ab"), and the
 * scripts resolved before it took the letter after it for one (`$\mathrm{test\_set}$` became "testet").
 */
const underscore = '\uFDD2';

function escapeUnderscoresInMath(tex: string): string {
  if (!tex.includes('$')) return tex;
  return tex.replace(inlineMath, (math) => math.replaceAll('\\_', underscore));
}

/** Letters with a superscript or subscript form in Unicode (modifier letters), which the library left plain ($^K$ became K). */
const superscriptLetters: Record<string, string> = Object.fromEntries(
  [...'ABDEGHIJKLMNOPRTUVWabcdefghijklmnoprstuvwxyz'].map((letter, i) => [letter, [...'ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ'][i]!]),
);
const subscriptLetters: Record<string, string> = Object.fromEntries([...'aehijklmnoprstuvx'].map((letter, i) => [letter, [...'ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ'][i]!]));

/**
 * MathJax's `\unicode{x2013}` (arXiv's metadata uses it) as its character, and a letter raised or
 * lowered in math (`$^K$`, `$x_{i}$`) as its Unicode form where there is one; the library read
 * `\unicode{x2013}` as the text "x2013" and dropped the `^` of a letter. A lowered `\infty` is
 * braced, as TeX reads it: the library's table gave `_\infty` unbraced a space and a combining
 * double ring ("L ͚").
 */
/**
 * TeX's special characters written with `\unicode{…}` (arXiv writes `1$\unicode{x0025}$`), as what
 * reads as the character: a `%` put in raw was a comment to the library, and the rest of the
 * abstract was lost.
 */
const texSpecialAsText: Record<string, string> = { '%': percent, _: underscore, '&': '\\&', '#': '\\#', $: '\\$', '{': '\\{', '}': '\\}' };

function resolveUnicodeAndScripts(tex: string): string {
  const unicode = tex.replace(/\\unicode\{(?:(?:0?x)([0-9A-Fa-f]{1,6})|(\d{1,7}))\}/g, (match, hex: string | undefined, decimal: string | undefined) => {
    const code = hex === undefined ? Number(decimal) : Number.parseInt(hex, 16);
    if (!(code > 0 && code <= 0x10ffff)) return match;
    const character = String.fromCodePoint(code);
    return texSpecialAsText[character] ?? character;
  });
  if (!unicode.includes('$')) return unicode;
  return unicode.replace(inlineMath, (math) =>
    math
      .replace(/_\\infty(?![A-Za-z])/g, '_{\\infty}')
      .replace(/([\^_])(?:\{([A-Za-z])\}|([A-Za-z]))/g, (script, mark: string, braced: string | undefined, bare: string | undefined) => {
        const letter = braced ?? bare!;
        return (mark === '^' ? superscriptLetters : subscriptLetters)[letter] ?? script;
      }),
  );
}

/** Commands whose argument is words even in math: TeX keeps the spaces of `\text{…}`, and `\mathrm{Fe II}` or `\mathit{de novo}` means them. */
const wordsInMath = /\\(text(?:it|bf|rm|sf|tt|sc|sl|up|md|normal)?|mbox|emph|math(?:rm|it|bf|sf|tt|normal))\s*\{([^{}]*)\}/g;
/** `^\circ` and `^{\circ}`: the degree sign (the library read the braced form as the ring operator ∘). */
const degreeInMath = /\^\s*(?:\{\s*\\circ\s*\}|\\circ(?![A-Za-z]))/g;

/**
 * Math written for words and degrees as TeX prints them: the spaces inside `\textit{Merge to Mix}`
 * kept as control spaces (math drops plain ones, and the library read it as "MergetoMix"), and
 * `^{\circ}` as a degree sign.
 */
function resolveWordsInMath(tex: string): string {
  if (!tex.includes('$')) return tex;
  return tex.replace(inlineMath, (math) =>
    math.replace(degreeInMath, '°').replace(wordsInMath, (_match, command: string, words: string) => `\\${command}{${words.replace(/\s+|(?<!\\)~/g, '\\ ')}}`),
  );
}

/** `\hat{H}` as H with a combining circumflex (over each letter of `\widehat{AB}`); a command argument (`\tilde{\psi}`) keeps it, the mark after. */
function resolveMathAccents(tex: string): string {
  if (!tex.includes('\\')) return tex;
  return tex.replace(mathAccent, (_match, command: string, braced: string | undefined, bare: string | undefined) => {
    const mark = mathAccentMarks[command]!;
    const argument = braced ?? bare ?? '';
    // Text underlined or overlined for emphasis (`\underline{Very}` in a title) is the text.
    if ((command === 'underline' || command === 'overline') && argument.trim().length > 1) return argument;
    return /^[A-Za-z0-9\s]*$/.test(argument) ? argument.replace(/[A-Za-z0-9]/g, (character) => `${character}${mark}`) : `{${argument}}${mark}`;
  });
}

/** Accented letters and \ss-style letters as Unicode, the way names and titles mostly carry TeX. */
export function resolveAccents(tex: string): string {
  if (!tex.includes('\\')) return tex;
  const accent = (_match: string, command: string, braced: string | undefined, bare: string | undefined) => {
    const base = (braced ?? bare ?? '').replace(/^\\/, '');
    return `${base}${accentMarks[command]}`;
  };
  const letter = (_match: string, name: string) => letterCommands[name]!;
  return literalTildesAndCarets(tex).replace(letterCommand, letter).replace(symbolAccent, accent).replace(letterAccent, accent).replace(dotlessLetter, letter);
}

/** Whether TeX, its accents resolved, still holds commands or math that only the library reads. */
export function needsTexLibrary(resolvedTex: string): boolean {
  return needsLibrary.test(resolvedTex);
}

/** The plain text of TeX that needs no library (escapes, braces, ties, dashes, accents); undefined if it does. */
export function simpleTexToText(tex: string): string | undefined {
  const resolved = resolveAccents(tex);
  return needsLibrary.test(resolved) ? undefined : simpleText(resolved);
}

/**
 * The library's output is HTML-like: <i>, <b>, <sup>, small-caps spans, links. Only those are
 * removed. An attribute stops at the next angle bracket: `[^>]*` ran to the text's end from each
 * of many unclosed `<span ` (quadratic).
 */
const libraryMarkup = /<\/?(?:i|b|sup|sub|code|p|br|li|ul|blockquote|h\d)>|<span [^<>]*>|<\/span>|<a href="[^"<>]*">|<\/a>/g;

/**
 * Stand-ins for a text's own `<` and `>` through the library: noncharacters (U+FDD0, U+FDD1),
 * which no text holds and the library passes through. Its TeX commands for them (\textless{})
 * cost it far more per character, and its output's `<` could not be told from its markup.
 */
const lessThan = '\uFDD0';
const greaterThan = '\uFDD1';

export function cleanLibraryText(text: string): string {
  return (
    text
      .replace(libraryMarkup, '')
      .replaceAll(lessThan, '<')
      .replaceAll(greaterThan, '>')
      .replaceAll(underscore, '_')
      .replaceAll(percent, '%')
      .replace(operatorSpaceBetween, ' ')
      .replaceAll(operatorSpace, '')
      // \"{\i} comes out as a dotless i with a combining accent, which NFC cannot compose.
      .replace(/\u0131(?=[\u0300-\u036f])/g, 'i')
      // Math letters ($\mu$) come out in the mathematical italic block (U+1D707): plain letters
      // (U+03BC) are what a search for "μm" holds.
      .replace(/[\u{1D400}-\u{1D7FF}]/gu, (letter) => letter.normalize('NFKC'))
      .replace(/\s+/g, ' ')
      .trim()
      .normalize('NFC')
  );
}

/**
 * A bare `<` or `>` outside math is, in TeX's default font encoding, an inverted ! or ?; the
 * library follows TeX there, but whoever wrote `p < 0.05` in a .bib file meant the symbol.
 * `\textless{}` and `\textgreater{}`, as the BibTeX export writes them, are the symbols too: the
 * library's own `<` and `>` for them made a title's `<i>in vivo</i>` read as its markup, and
 * dropped (and `<strong>` came back as "strong"), so a .bib round trip lost them.
 */
function escapeAngleBrackets(tex: string): string {
  return tex.replace(/\\text(less|greater)(?![A-Za-z])(?:\s*\{\})?|\\.|\$[^$]*\$|[<>]/gs, (match, command: string | undefined) =>
    match === '<' || command === 'less' ? lessThan : match === '>' || command === 'greater' ? greaterThan : match,
  );
}

/** Braces balanced, escaped ones not counted: the condition for wrapping a value in a field. */
export function bracesBalanced(tex: string): boolean {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    const char = tex[i];
    if (char === '\\') i++;
    else if (char === '{') depth++;
    else if (char === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Last resort for TeX the library rejects: commands and math signs dropped, the rest kept. */
function strippedText(tex: string): string {
  return simpleText(tex.replace(/\\(?:[A-Za-z]+\*?|[^A-Za-z\s&%$#_{}])/g, '').replace(/[$^{}]/g, ' '));
}

export type LibraryFieldValue = string | string[] | Creator[];

/**
 * Converts several fields of one entry with one library call (its fixed cost is per call).
 * Values must have balanced braces. Undefined when the library reports an error.
 */
export function convertWithLibrary(parse: BibtexLibraryParse, fields: Record<string, string>): Record<string, LibraryFieldValue | undefined> | undefined {
  const body = Object.entries(fields)
    .map(
      ([name, value]) =>
        `  ${name} = {${escapeAngleBrackets(literalTildesAndCarets(resolveMathAccents(resolveWordsInMath(resolveUnicodeAndScripts(escapeUnderscoresInMath(resolveSiunitx(resolveTexLogos(escapeBarePercents(mathAsDollars(value))))))))))}}`,
    )
    .join(',\n');
  let library: ReturnType<BibtexLibraryParse>;
  try {
    library = parse(`@misc{entry,\n${body}\n}`, libraryOptions);
  } catch {
    return undefined;
  }
  const entry = library.entries[0];
  if (library.errors.length > 0 || !entry) return undefined;
  return entry.fields as Record<string, LibraryFieldValue | undefined>;
}

/** Plain Unicode text of a TeX string: accents, math symbols, dashes and escapes resolved, markup dropped. */
export function texToText(parse: BibtexLibraryParse, tex: string): string {
  return textsToText(parse, [tex])[0]!;
}

/** Several TeX strings (one record's title, abstract and names) with at most one library call. */
export function textsToText(parse: BibtexLibraryParse, texts: readonly string[]): string[] {
  const results = texts.map((tex) => simpleTexToText(tex));
  const pending = new Map<string, number>();
  texts.forEach((tex, i) => {
    if (results[i] === undefined && bracesBalanced(tex)) pending.set(`text${i}`, i);
  });
  if (pending.size > 0) {
    const converted = convertWithLibrary(parse, Object.fromEntries([...pending].map(([name, i]) => [name, texts[i]!])));
    for (const [name, i] of pending) {
      const value = converted?.[name];
      if (typeof value === 'string') results[i] = cleanLibraryText(value);
    }
    // One bad string fails the whole call; then the others are tried on their own.
    if (!converted && pending.size > 1) for (const i of pending.values()) results[i] = texToText(parse, texts[i]!);
  }
  return results.map((result, i) => result ?? strippedText(texts[i]!));
}
