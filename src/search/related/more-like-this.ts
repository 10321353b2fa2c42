/**
 * "More like this" for a stored paper, as Lucene's MoreLikeThis builds it: the paper's own most
 * distinctive terms, scored tf · idf, become a BM25 query over the corpus. The dense vector sees a
 * paper's gist; these terms carry the names of the specific task, method and data set, which is
 * what experts judging "related" look for and what a small sentence model blurs.
 */
export interface MoreLikeThisParameters {
  /** Terms kept, best tf · idf first (Lucene's maxQueryTerms is 25). */
  maxTerms: number;
  /**
   * Terms in fewer papers than this are skipped: at 1 only the paper itself holds the term, so it
   * can match nothing else.
   */
  minDocumentFrequency: number;
  /** Terms in more than this share of the papers are skipped as generic ("model", "results"). */
  maxDocumentShare: number;
}

export const defaultMoreLikeThis: MoreLikeThisParameters = Object.freeze({ maxTerms: 25, minDocumentFrequency: 2, maxDocumentShare: 0.1 });

export interface TermStatistics {
  documents: number;
  documentFrequency(term: string): number;
}

/**
 * The paper's distinctive terms, each with its weight in the BM25 query (1: every chosen term
 * counts as one query occurrence, as Lucene's MoreLikeThis does without boosting). Ties in
 * tf · idf are broken by the term, so the choice never depends on map order.
 */
export function distinctiveTerms(termCounts: ReadonlyMap<string, number>, statistics: TermStatistics, parameters: MoreLikeThisParameters = defaultMoreLikeThis): Map<string, number> {
  const maxFrequency = parameters.maxDocumentShare * statistics.documents;
  const scored: { term: string; score: number }[] = [];
  for (const [term, count] of termCounts) {
    const frequency = statistics.documentFrequency(term);
    if (frequency < parameters.minDocumentFrequency || frequency > maxFrequency) continue;
    scored.push({ term, score: count * classicIdf(statistics.documents, frequency) });
  }
  scored.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  return new Map(scored.slice(0, parameters.maxTerms).map(({ term }) => [term, 1]));
}

/** Lucene's classic idf, 1 + ln(N / (df + 1)), which MoreLikeThis ranks terms by. */
function classicIdf(documents: number, documentFrequency: number): number {
  return 1 + Math.log(documents / (documentFrequency + 1));
}
