/** How a text is matched: by meaning (the embedding model), by words (BM25), or both fused. */
export const searchModes = ['dense', 'lexical', 'hybrid'] as const;
export type SearchMode = (typeof searchModes)[number];
