/**
 * The names in a delimited authors string (a CSV cell, a JSON string), each as "First Last".
 *
 * Bibliographic exports write inverted names, "Last, First", so their commas are not separators:
 * Zotero's CSV and Web of Science separate such names with semicolons, BibTeX-style strings with
 * "and". Other lists ("Ada Lovelace, Alan Turing and Grace Hopper") are separated by commas,
 * semicolons or "and". A string with a semicolon is therefore split at semicolons only; one whose
 * every "and"-separated part is an inverted name (one comma, or two around a suffix) is split at
 * "and" only; a lone "Hopper, Grace", "Smith, J. R." or "Martin, Paul, Jr." is one name (a
 * single-author paper in a Zotero export), not two. Inverted names are turned around, as the RIS
 * and BibTeX readers do.
 */
export function authorNames(authors: string): string[] {
  // Runs of white space as one space first: the separators' patterns retried from every space of
  // a long run (80,000 spaces in one string took seconds).
  // Scopus's "Author full names" follow each name with its author id: "Smith, John A. (57190000001)".
  const text = authors.replace(/\s+/g, ' ').replace(/ ?\(\d{6,}\)/g, '');
  if (text.includes(';')) return namesBetween(text, /;/).map(uprightedAuthorName);
  const byAnd = namesBetween(text, / and /);
  if (byAnd.length > 1 && byAnd.every((name) => invertedNameParts(name) !== undefined)) return byAnd.map(uprightedAuthorName);
  if (byAnd.length === 1 && isLoneInvertedName(text.trim())) return [uprightedAuthorName(text.trim())];
  const names = namesBetween(text, / ?, ?| and /);
  // "National Academies of Sciences, Engineering, and Medicine" is one organisation, not people
  // named "Engineering" and "and Medicine"; "Ada Lovelace, Alan Turing, and the ATLAS Collaboration" is three.
  if (isOrganisationName(names[0] ?? '') && names.slice(1).some((name) => !name.includes(' ') || /^and\b/i.test(name))) return [text.trim()];
  return names.map((name) => name.replace(/^and /i, '')).filter(Boolean);
}

function namesBetween(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * The family and given parts of "Family, Given", or of such a name with a suffix after either
 * comma ("Martin, Paul, Jr.", "Davis, Jr., Sammy"); undefined for any other number of commas.
 */
function invertedNameParts(text: string): { family: string; given: string } | undefined {
  const parts = text.split(',').map((part) => part.trim());
  const [family, second, third] = parts;
  if (parts.length === 2) return { family: family!, given: second! };
  if (parts.length !== 3) return undefined;
  if (nameSuffix.test(third!) && !nameSuffix.test(second!)) return { family: family!, given: second! };
  if (nameSuffix.test(second!) && !nameSuffix.test(third!)) return { family: family!, given: third! };
  return undefined;
}

/**
 * Whole words only, in any script: with an ASCII `\b` "Inc" was found in D'Incà and "Company" in
 * Huertas-Company, and those people were kept and exported as organisations. A letter, digit,
 * apostrophe or hyphen beside the word makes it part of a name.
 */
const organisationWords =
  /(?<![\p{L}\p{N}'’-])(consortium|collaboration|team|group|institute|institut|university|universit[yé]|laborator(y|ies)|lab|research|center|centre|committee|association|organi[sz]ation|project|society|foundation|inc\.?|ltd\.?|llc|gmbh|plc|corp\.?|corporation|company|council|network|initiative|agency|department|office|ministry|bureau|hospital|college|academy|academies|commission|administration|alliance|federation|observatory|survey|nations|authority)(?![\p{L}\p{N}'’-])/iu;

/**
 * Words no person's name holds between its parts, as organisations' names do ("Panel on Climate
 * Change"). Not "and", which separates authors; not "in", a Dutch particle (in 't Hout).
 */
const organisationJoiner = / (?:of|on|for|the) /;

// Not katakana: a foreign name written in it (スミス, ジョン) is given name first, ジョン・スミス.
const eastAsianName = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Hangul}]+$/u;

/**
 * A person's given and family names in the order their script writes them: family first and
 * unspaced in Chinese, Japanese and Korean (王, 小明 → 王小明, as a file that writes the name whole
 * has it), else given first ("Ada Lovelace"). Either may be empty.
 */
export function givenThenFamily(given: string, family: string): string {
  if (!given || !family) return given || family;
  return eastAsianName.test(given) && eastAsianName.test(family) ? `${family}${given}` : `${given} ${family}`;
}

/** A suffix of a person's name, written after the family name ("John Smith Jr.", "Smith, John, III"). */
export const nameSuffix = /^(jr\.?|sr\.?|ii|iii|iv)$/i;

/** What may follow "Family, Given, " in a person's name: a generation or a degree ("Jr.", "III", "3rd", "MD", "PhD"). */
const invertedNameSuffix = /^(jr\.?|sr\.?|[ivx]{1,4}|\d+(st|nd|rd|th)|m\.?d\.?|ph\.?d\.?|esq\.?)$/i;

/** Whether the comma-separated parts of a name are "Family, Given" or "Family, Given, Suffix" (as BibTeX and RIS write a person's name). */
export function isInvertedPersonName(commaParts: readonly string[]): boolean {
  const [family, given, suffix] = commaParts;
  return commaParts.length <= 3 && Boolean(family) && !/^and\b/i.test(given ?? '') && (!suffix || invertedNameSuffix.test(suffix));
}

/** Whether a name is an organisation's ("Google, Inc.", "U.S. Department of Energy"), by the words organisations' names hold. */
export function isOrganisationName(name: string): boolean {
  return organisationWords.test(name) || organisationJoiner.test(name);
}

/**
 * "Smith, John" → "John Smith", "Davis, Jr., Sammy" and "Davis, Sammy, Jr." → "Sammy Davis, Jr."; a name already upright
 * ("Sammy Davis, Jr."), one with no comma or more, and an organisation's ("Google, Inc.") are
 * kept as written.
 */
export function uprightedAuthorName(name: string): string {
  if (isOrganisationName(name)) return name;
  const parts = name.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) return name;
  // A suffix is written after a comma in both orders of a name: "Sammy Davis, Jr.", "Davis, Jr., Sammy"
  // (BibTeX's). Only unmistakable ones: "Chen, Xi" and "Nguyen, Vi" are given names, not numerals.
  if (parts.length === 2 && !nameSuffix.test(parts[1]!)) return givenThenFamily(parts[1]!, parts[0]!);
  if (parts.length === 3 && nameSuffix.test(parts[1]!)) return `${parts[2]} ${parts[0]}, ${parts[1]}`;
  // RIS's and Zotero's "Family, Given, Suffix".
  if (parts.length === 3 && nameSuffix.test(parts[2]!) && !nameSuffix.test(parts[1]!)) return `${parts[1]} ${parts[0]}, ${parts[2]}`;
  return name;
}

/**
 * "Hopper, Grace", "Smith, J. R." or "van der Berg, Anna-Lena": a family name (one word, after
 * lower-case particles) and one to four given names or initials, each capitalized, and perhaps a
 * suffix ("Martin, Paul, Jr."). "Ada Lovelace, Alan Turing" is two names: its first part is not a
 * family name alone.
 */
function isLoneInvertedName(text: string): boolean {
  const parts = invertedNameParts(text);
  if (!parts) return false;
  const family = parts.family.split(/\s+/);
  const given = parts.given.split(/\s+/);
  return (
    family.slice(0, -1).every((particle) => /^\p{Ll}+$/u.test(particle)) &&
    /^\p{L}[\p{L}\p{M}'’-]*$/u.test(family.at(-1)!) &&
    given.length <= 4 &&
    given.every((name) => /^\p{Lu}[\p{L}\p{M}.'’-]*$/u.test(name))
  );
}

/** A byline of the first three authors, "et al." after them when there are more; undefined for none. */
export function shortAuthorList(authors: readonly string[] | undefined): string | undefined {
  if (!authors || authors.length === 0) return undefined;
  const shown = 3;
  return authors.length > shown ? `${authors.slice(0, shown).join(', ')} et al.` : authors.join(', ');
}
