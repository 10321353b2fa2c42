import { isInvertedPersonName, isOrganisationName, nameSuffix as suffixes } from '../papers/author-names.js';

/** A person's name in parts, or a name that is not split (an institution, a mononym, a name without spaces). */
export type NameParts = { given?: string; particle?: string; family: string; suffix?: string; literal?: undefined } | { literal: string };

/**
 * Splits a display name ("Anna van der Berg", "John Smith Jr.", "Google Research") into parts.
 * The family name is the last word, with lower-case words before it as its particle ("van der");
 * names of organisations and names of one word stay whole. A name written "Family, Given" is
 * read that way.
 */
export function splitName(displayName: string): NameParts {
  const name = displayName.replace(/\s+/g, ' ').trim();
  // A person's name holds no "and": "Johnson and Johnson" is a firm's, and in BibTeX the word
  // would split it into two authors.
  if (isOrganisationName(name) || /(?:^| )and(?: |$)/i.test(name)) return { literal: name };
  const commaParts = name.split(/\s*,\s*/);
  if (commaParts.length >= 2) {
    const last = commaParts[commaParts.length - 1]!;
    if (commaParts.length === 2 && suffixes.test(last)) return withSuffix(splitName(commaParts[0]!), last);
    // Any other text with commas (an organisation's "National Academies of Sciences, Engineering, and Medicine") stays whole.
    if (!isInvertedPersonName(commaParts)) return { literal: name };
    const [family, given, suffix] = commaParts;
    return { family: family!, ...(given ? { given } : {}), ...(suffix ? { suffix } : {}) };
  }
  const words = name.split(' ');
  const suffix = words.length > 2 && suffixes.test(words[words.length - 1]!) ? words.pop() : undefined;
  if (words.length < 2) return { literal: name };
  const lowerCase = (word: string) => /^\p{Ll}/u.test(word);
  let particleStart = words.findIndex((word, i) => i > 0 && i < words.length - 1 && lowerCase(word));
  let familyStart = particleStart < 0 ? -1 : words.findIndex((word, i) => i > particleStart && !lowerCase(word));
  if (familyStart < 0) {
    // No capitalised word after the lower-case ones: no particle to tell apart.
    particleStart = -1;
    familyStart = words.length - 1;
  }
  const parts: NameParts = { given: words.slice(0, particleStart < 0 ? familyStart : particleStart).join(' '), family: words.slice(familyStart).join(' ') };
  if (particleStart >= 0) parts.particle = words.slice(particleStart, familyStart).join(' ');
  if (suffix) parts.suffix = suffix;
  return parts;
}

function withSuffix(parts: NameParts, suffix: string): NameParts {
  return parts.literal !== undefined ? { literal: `${parts.literal}, ${suffix}` } : { ...parts, suffix };
}
