import { givenThenFamily } from '../../papers/author-names.js';
import { needsTexLibrary, resolveAccents, simpleText } from './tex-text.js';

/**
 * A part of BibLaTeX's extended name format (`family=Berg, given=Anna, prefix=van der,
 * useprefix=true`), in which Better BibLaTeX writes names with particles: read by BibTeX's rules,
 * its parts became words of the name ("useprefix=true family=Berg given=Anna").
 */
const extendedNamePart = /(?:^|,|\sand\s)\s*(?:family|given|prefix|suffix)\s*=/i;

const comma = Symbol('comma');
type NameToken = string | typeof comma;

/**
 * The display names ("First von Last Jr.") of a BibTeX name list, by BibTeX's own rules: names
 * separated by "and" outside braces; "First von Last", "von Last, First" or "von Last, Jr,
 * First"; the von part is the run of words starting in lower case; a braced group is one word
 * whose case does not count ({Google Research}, {van Gogh}). Undefined when the names hold TeX
 * beyond accents, or are in BibLaTeX's extended name format, which the library then reads;
 * "others" (as in "and others") is dropped.
 */
export function bibtexNames(field: string): string[] | undefined {
  const resolved = resolveAccents(field);
  if (needsTexLibrary(resolved) || extendedNamePart.test(resolved)) return undefined;
  const names: NameToken[][] = [[]];
  for (const token of nameTokens(resolved)) {
    if (typeof token === 'string' && token.toLowerCase() === 'and') names.push([]);
    else names[names.length - 1]!.push(token);
  }
  return names.map(displayName).filter((name): name is string => name !== undefined && name.toLowerCase() !== 'others');
}

/** Words and commas at brace depth 0; white space and ties separate words. */
function nameTokens(text: string): NameToken[] {
  const tokens: NameToken[] = [];
  let word = '';
  let depth = 0;
  const flush = () => {
    if (word.length > 0) tokens.push(word);
    word = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      word += char + text[++i];
    } else if (depth === 0 && (/\s/.test(char) || char === '~')) {
      flush();
    } else if (depth === 0 && char === ',') {
      flush();
      tokens.push(comma);
    } else {
      if (char === '{') depth++;
      else if (char === '}') depth = Math.max(0, depth - 1);
      word += char;
    }
  }
  flush();
  return tokens;
}

/** Starts in lower case: the first letter outside braces is lower case; a leading brace group has no case. */
function startsLowerCase(word: string): boolean {
  for (const char of word) {
    if (char === '{') return false;
    if (/\p{L}/u.test(char)) return /\p{Ll}/u.test(char);
  }
  return false;
}

function displayName(tokens: NameToken[]): string | undefined {
  const segments: string[][] = [[]];
  for (const token of tokens) {
    if (token === comma) segments.push([]);
    else segments[segments.length - 1]!.push(token);
  }
  let first: string[];
  let von: string[];
  let last: string[];
  let junior: string[] = [];
  if (segments.length === 1) {
    const words = segments[0]!;
    const vonStart = words.findIndex((word, i) => i < words.length - 1 && startsLowerCase(word));
    if (vonStart < 0) {
      first = words.slice(0, -1);
      von = [];
      last = words.slice(-1);
    } else {
      let vonEnd = vonStart;
      for (let i = vonStart; i < words.length - 1; i++) if (startsLowerCase(words[i]!)) vonEnd = i;
      first = words.slice(0, vonStart);
      von = words.slice(vonStart, vonEnd + 1);
      last = words.slice(vonEnd + 1);
    }
  } else {
    const head = segments[0]!;
    let vonEnd = -1;
    for (let i = 0; i < head.length - 1; i++) if (startsLowerCase(head[i]!)) vonEnd = i;
    von = head.slice(0, vonEnd + 1);
    last = head.slice(vonEnd + 1);
    first = segments[segments.length - 1]!;
    if (segments.length > 2) junior = segments[1]!;
  }
  // Only a name written "Family, Given" says which part is the family name: 山田 太郎 is kept as written.
  const inverted = segments.length > 1 && von.length === 0 && junior.length === 0;
  const name = simpleText(inverted ? givenThenFamily(first.join(' '), last.join(' ')) : [...first, ...von, ...last, ...junior].join(' '));
  return name.length > 0 ? name : undefined;
}
