/**
 * The rhetorical role of each abstract sentence: the problem and its context (background), what
 * the authors do (method), or what they find (result). Related-by-facet ranking ("papers that
 * solve it the same way", "papers with similar findings") matches on the sentences of one role.
 *
 * A light method, no model: cue phrases score each sentence for each role, a position prior adds
 * that abstracts open with background and close with results, and the roles are then chosen for
 * the whole abstract at once so that they run in the usual order (background, then method, then
 * result); going back costs a penalty, so a strong cue can still do it. Cue phrases are how
 * argumentative-zoning classifiers started (Teufel and Moens 2002), and the order of roles is
 * the strongest single feature of structured-abstract classifiers; both work on any field's
 * English abstracts without training data, and a wrong role only shifts weight between
 * sentences of the same paper.
 */
export const sentenceRoles = ['background', 'method', 'result'] as const;
export type SentenceRole = (typeof sentenceRoles)[number];

interface Cue {
  pattern: RegExp;
  weight: number;
}

const cues: Record<SentenceRole, readonly Cue[]> = {
  background: [
    {
      pattern: /\b(recent(ly)?|existing|previous(ly)?|prior|traditional(ly)?|conventional(ly)?|typically|commonly|widely|currently|to date|so far)\b/,
      weight: 1,
    },
    {
      pattern:
        /\b(is|are|remains?|has been|have been|becomes?) (an? |the )?(very |increasingly |particularly )?(important|challenging|crucial|essential|difficult|fundamental|key|open|critical|central|popular|hard|common|necessary|unclear)\b/,
      weight: 1.5,
    },
    {
      pattern: /\b(problems?|challenges?|tasks?|questions?|needs?|lacks?|limitations?|gap|bottlenecks?|difficult(y|ies)|issues?|shortcomings?)\b/,
      weight: 0.5,
    },
    { pattern: /\b(however|although|despite|but)\b/, weight: 0.5 },
    {
      pattern:
        /\b(our (goal|aim|objective)|the (goal|aim|objective)|we (investigate|study|address|explore|examine|consider|ask|tackle|focus on|aim|seek)|this (paper|work|article) (investigates|studies|addresses|explores|examines|considers|focuses))\b/,
      weight: 1,
    },
  ],
  method: [
    {
      pattern:
        /\bwe (first |then |also |further )?(propose|present|introduce|develop|describe|design|formulate|use|employ|apply|adopt|adapt|train|build|construct|extend|combine|leverage|exploit|model|learn|define|encode|derive|represent|incorporate|implement|create|collect|annotate|compute|cast|frame|treat|reduce|encode|augment|integrate)\b/,
      weight: 1.5,
    },
    {
      pattern:
        /\b(our|the proposed|a novel|a new|this) (approach|method|model|algorithm|framework|system|technique|architecture|formulation|paradigm|procedure|scheme|network|objective|strategy|pipeline|dataset|corpus|resource)\b/,
      weight: 1,
    },
    {
      pattern:
        /\b(based on|by (using|learning|modeling|combining|training|exploiting|leveraging)|consists? of|relies on|is (then )?(used|trained|learned|computed|inferred|extracted|derived|encoded|represented)|are (then )?(used|trained|learned|computed|inferred|extracted|derived|encoded|represented))\b/,
      weight: 1,
    },
    {
      pattern:
        /\b(algorithm|architecture|framework|model|representation|features?|objective|optimi[sz]ation|inference|training|encoder|decoder|attention|graph|kernel|embedding)s?\b/,
      weight: 0.3,
    },
  ],
  result: [
    { pattern: /\b(results?|experiments?|experimental(ly)?|evaluations?|empirical(ly)?|analys[ie]s)\b/, weight: 1 },
    {
      pattern:
        /\b(show(s|n|ed)?|demonstrat(e|es|ed|ing)|find|found|finding|findings|observe[sd]?|reveal(s|ed)?|indicat(e|es|ed|ing)|suggest(s|ed)?|confirm(s|ed)?)\b/,
      weight: 1,
    },
    {
      pattern:
        /\b(outperform(s|ed|ing)?|improve(s|d|ment|ments)?|achiev(e|es|ed|ing)|surpass(es|ed)?|better|worse|significant(ly)?|state[- ]of[- ]the[- ]art|accuracy|precision|recall|f1|f-measure|f-score|bleu|error rate|gains?|compar(able|ed to|ison))\b/,
      weight: 1,
    },
    { pattern: /\d+(\.\d+)?\s?(%|\\%|percent)/, weight: 1 },
  ],
};

/** What an abstract's first and last sentences add to background and result (linear in between). */
const positionWeight = 1;
/** Cost of a sentence whose role comes before the previous sentence's in the usual order. */
const backwardPenalty = 1.5;

/** Each sentence's role score before ordering: cue weights plus the position prior. */
export function roleScores(sentences: readonly string[]): Record<SentenceRole, number>[] {
  const last = Math.max(1, sentences.length - 1);
  return sentences.map((sentence, i) => {
    const text = sentence.toLowerCase();
    const position = i / last;
    const score = (role: SentenceRole) => cues[role].reduce((sum, cue) => sum + (cue.pattern.test(text) ? cue.weight : 0), 0);
    return {
      background: score('background') + positionWeight * (1 - position),
      method: score('method') + positionWeight * 0.5,
      result: score('result') + positionWeight * position,
    };
  });
}

/**
 * The roles of an abstract's sentences, in order: the assignment with the highest total score
 * (Viterbi over the three roles), each step back in the usual order costing `backwardPenalty`.
 */
export function classifySentenceRoles(sentences: readonly string[]): SentenceRole[] {
  const scores = roleScores(sentences);
  if (scores.length === 0) return [];
  const roleCount = sentenceRoles.length;
  const best: number[][] = [sentenceRoles.map((role) => scores[0]![role])];
  const from: number[][] = [sentenceRoles.map(() => -1)];
  for (let i = 1; i < scores.length; i++) {
    best.push([]);
    from.push([]);
    for (let r = 0; r < roleCount; r++) {
      let bestPrevious = 0;
      let bestTotal = Number.NEGATIVE_INFINITY;
      for (let p = 0; p < roleCount; p++) {
        const total = best[i - 1]![p]! - (r < p ? backwardPenalty : 0);
        if (total > bestTotal) {
          bestTotal = total;
          bestPrevious = p;
        }
      }
      best[i]![r] = bestTotal + scores[i]![sentenceRoles[r]!];
      from[i]![r] = bestPrevious;
    }
  }
  const roles: SentenceRole[] = new Array<SentenceRole>(scores.length);
  let role = best[scores.length - 1]!.indexOf(Math.max(...best[scores.length - 1]!));
  for (let i = scores.length - 1; i >= 0; i--) {
    roles[i] = sentenceRoles[role]!;
    role = from[i]![role]!;
  }
  return roles;
}

/**
 * The abstract's sentences playing `role`, joined in order: what related-by-facet compares
 * (undefined when no sentence plays it, so the caller ranks without the facet).
 */
export function facetPassage(sentences: readonly string[], role: SentenceRole): string | undefined {
  const roles = classifySentenceRoles(sentences);
  const chosen = sentences.filter((_, i) => roles[i] === role);
  return chosen.length > 0 ? chosen.join(' ') : undefined;
}
