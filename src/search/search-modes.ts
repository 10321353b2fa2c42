/** How a text is matched: by meaning (the embedding model), by words (BM25), or both fused. */
export const searchModes = ['dense', 'lexical', 'hybrid'] as const;
export type SearchMode = (typeof searchModes)[number];

/**
 * Candidates each retriever contributes to a hybrid answer: deep enough that a paper ranked
 * low by one retriever and high by the other is still seen by the fusion. Always this many, so
 * every page of a hybrid list is cut from the same fused ranking.
 */
export const hybridCandidates = 100;

/** The longest query text a search takes (an abstract is a passage: see /v1/similar). */
export const maxQueryCharacters = 10_000;
