/**
 * The names in a delimited authors string (a CSV cell, a JSON string), each as "First Last".
 *
 * Bibliographic exports write inverted names, "Last, First", so their commas are not separators:
 * Zotero's CSV and Web of Science separate such names with semicolons, BibTeX-style strings with
 * "and". Other lists ("Ada Lovelace, Alan Turing and Grace Hopper") are separated by commas,
 * semicolons or "and". A string with a semicolon is therefore split at semicolons only; one whose
 * every "and"-separated part holds one comma is split at "and" only; a lone "Smith, J. R." is one
 * name. Inverted names are turned around, as the RIS and BibTeX readers do.
 */
export function authorNames(text: string): string[] {
  if (text.includes(';')) return namesBetween(text, /;/).map(uprighted);
  const byAnd = namesBetween(text, /\s+and\s+/);
  if (byAnd.length > 1 && byAnd.every((name) => commaCount(name) === 1)) return byAnd.map(uprighted);
  if (byAnd.length === 1 && isInvertedWithInitials(text.trim())) return [uprighted(text.trim())];
  return namesBetween(text, /\s*,\s*|\s+and\s+/);
}

function namesBetween(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((part) => part.trim())
    .filter(Boolean);
}

function commaCount(text: string): number {
  return text.split(',').length - 1;
}

/** "Smith, John" → "John Smith"; a name with no comma, or more than one ("Smith, Jr., John"), is kept as written. */
function uprighted(name: string): string {
  const parts = name.split(',').map((part) => part.trim());
  return parts.length === 2 && parts[0] && parts[1] ? `${parts[1]} ${parts[0]}` : name;
}

/** "Smith, J." or "van der Berg, J.-P. R.": one family name and given names that are initials only. */
function isInvertedWithInitials(text: string): boolean {
  return /^[^,]+,\s*(\p{Lu}\.?(-\p{Lu}\.?)?\s*)+$/u.test(text);
}
