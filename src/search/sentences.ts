/** Most sentences considered per abstract when explaining a hit: bounds the model work per request. */
export const maxSentences = 25;

/**
 * Splits an abstract into sentences: after ., ! or ? (or the Devanagari danda, the Arabic question
 * mark) followed by white space and a capital of any script, a letter of a script without case
 * (Chinese, Arabic, Hebrew), a digit or an opening bracket or quote; and after the full stop, "!"
 * and "?" of Chinese and Japanese, which need no space. Abbreviations like "e.g. the" stay joined
 * because a lower-case word follows them.
 */
export function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?\u0964\u061f])\s+(?=[\p{Lu}\p{Lt}\p{Lo}\p{N}("'\u201C[])|(?<=[\u3002\uff01\uff1f])\s*/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0)
    .slice(0, maxSentences);
}
