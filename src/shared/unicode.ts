/** Letters that are not a base letter plus marks, so dropping marks does not reach them. */
const unmarkedLetters: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ð: 'd', ħ: 'h', æ: 'ae', œ: 'oe', þ: 'th' };

/**
 * `text` in lower case, folded as people type it on a plain keyboard: case folded in full (ß as
 * ss, dotless ı as i) and letters drawn with a stroke or joined as their plain letters (Łukasz as
 * lukasz, Søren as soren, æ as ae). Marks that NFKD separates from their letter are left to the
 * caller: which marks to drop depends on the script (see normalizeAuthorName).
 */
export function plainLetters(text: string): string {
  return text
    .toUpperCase()
    .toLowerCase()
    .replace(/[øłđðħæœþ]/g, (letter) => unmarkedLetters[letter]!);
}

/** A text's letters and digits alone, case folded: two titles that differ only in case, spacing or punctuation read the same. */
export function lettersAndDigits(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Whether text has something to search for: control and format characters (NUL, escapes,
 * zero-width spaces, direction marks) are as empty as white space. The API's rule for a query or
 * an abstract, which the search page applies too, so that it never sends one the API refuses.
 */
export function hasVisibleText(value: string): boolean {
  return /[^\s\p{Cc}\p{Cf}]/u.test(value);
}

/** A UTF-16 surrogate without its pair: not a character, so it cannot be percent-encoded into a URL. */
const loneSurrogate = /\p{Cs}/u;

export function hasLoneSurrogate(text: string): boolean {
  return loneSurrogate.test(text);
}

/** `text` with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder would write it. */
export function withoutLoneSurrogates(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}

/** Control characters other than tab and line breaks: NUL, escapes, C1 codes. */
const strayControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Terminal escape sequences, whole: CSI (`ESC [ 31 m`, or its one-byte form), OSC (`ESC ] … BEL`)
 * and two-character escapes. Dropping only the ESC would leave their printable rest (`[31m`).
 */
const escapeSequences = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;

/**
 * `text` with its control characters other than tab and line breaks (nothing a reader could see;
 * NUL makes exported files binary, an escape sequence recolours a terminal), and the whole of each
 * escape sequence, replaced by `replacement`, by default dropped.
 */
export function withoutControlCharacters(text: string, replacement = ''): string {
  return text.replace(escapeSequences, replacement).replace(strayControls, replacement);
}
