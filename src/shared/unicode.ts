/** A UTF-16 surrogate without its pair: not a character, so it cannot be percent-encoded into a URL. */
const loneSurrogate = /\p{Cs}/u;

export function hasLoneSurrogate(text: string): boolean {
  return loneSurrogate.test(text);
}

/** `text` with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder would write it. */
export function withoutLoneSurrogates(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}
