/** Most sentences considered per abstract when explaining a hit: bounds the model work per request. */
export const maxSentences = 25;

/**
 * Splits an abstract into sentences: after ., ! or ? followed by white space and a capital, a
 * digit or an opening bracket or quote. Abbreviations like "e.g. the" stay joined because a
 * lower-case word follows them.
 */
export function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z0-9("'\u201C[])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0)
    .slice(0, maxSentences);
}
