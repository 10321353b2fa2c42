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
 * `text` with its control characters other than tab and line breaks (nothing a reader could see;
 * NUL makes exported files binary, an escape sequence recolours a terminal) replaced by
 * `replacement`, by default dropped.
 */
export function withoutControlCharacters(text: string, replacement = ''): string {
  return text.replace(strayControls, replacement);
}
