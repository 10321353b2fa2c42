import { arxivIdWithoutVersion, type Paper } from '../papers/paper.js';

/**
 * A written paper whose DOI or arXiv id another paper has too: most often the same paper stored
 * twice under two ids (a reference re-imported with a new citation key). The write is not
 * refused, since distinct records may legitimately share one (a preprint and its chapter), but
 * the writer is told, and the name `doi:`/`arxiv:` now stands for the paper written last.
 */
export interface SharedIdentifier {
  /** What write answers call this notice among their `warnings`. */
  code: 'identifier_shared';
  /** The written paper. */
  id: string;
  field: 'doi' | 'arxiv_id';
  /** The DOI or arXiv id, as the written paper stores it. */
  value: string;
  /** The other paper: a stored one, or one written before it in the same request. */
  shared_with: string;
  message: string;
}

/** The stored paper a `doi:`/`arxiv:` name names (PaperStorage.resolve). */
type ResolveName = (name: string) => Promise<string | undefined>;

/** Identifier lookups sent to the storage at once: a batch of 1,000 papers on a cluster is up to 2,000 queries. */
const lookupsAtOnce = 16;

/**
 * The identifiers of `papers` another paper already has: one stored under another id, or one
 * earlier in the same write. Looked up before the write is committed (afterwards, the name
 * stands for the new paper); a write racing this one may go unreported, and a lookup that fails
 * leaves the notice out rather than the write: either only costs a notice.
 */
export async function findSharedIdentifiers(papers: readonly Paper[], resolve: ResolveName): Promise<SharedIdentifier[]> {
  const holders = await storedHolders(papers, resolve);
  return holders === undefined ? [] : sharedInOrder(papers, holders, new Map());
}

/**
 * The identifiers papers read in order share with earlier ones: an input file being ingested,
 * where no stored paper is asked and the input itself is what the names will stand for. Each
 * call takes the next papers of the same input.
 */
export function inputIdentifierTracker(): (papers: readonly Paper[]) => SharedIdentifier[] {
  const firstHolders = new Map<string, string>();
  return (papers) => sharedInOrder(papers, firstHolders, firstHolders);
}

/**
 * Notices for `papers`: an identifier is shared with the first of them that has it, or else with
 * its holder in `holders`. `earlierHolders` learns each identifier's first holder among them.
 */
function sharedInOrder(papers: readonly Paper[], holders: ReadonlyMap<string, string | undefined>, earlierHolders: Map<string, string>): SharedIdentifier[] {
  const shared: SharedIdentifier[] = [];
  for (const paper of papers) {
    for (const { field, value, name } of identifiersOf(paper)) {
      const other = earlierHolders.get(name) ?? holders.get(name);
      if (!earlierHolders.has(name)) earlierHolders.set(name, paper.id);
      // A paper with both identifiers of another is reported once.
      if (other === undefined || other === paper.id || shared.some((notice) => notice.id === paper.id && notice.shared_with === other)) continue;
      const label = field === 'doi' ? 'DOI' : 'arXiv id';
      shared.push({
        code: 'identifier_shared',
        id: paper.id,
        field,
        value,
        shared_with: other,
        message: `The ${label} ${value} of "${paper.id}" is also that of "${other}": if they are the same paper, delete one; ${name} now names "${paper.id}".`,
      });
    }
  }
  return shared;
}

/** The stored paper each identifier of `papers` names now, a few lookups at a time; undefined when a lookup failed. */
async function storedHolders(papers: readonly Paper[], resolve: ResolveName): Promise<Map<string, string | undefined> | undefined> {
  const names = [...new Set(papers.flatMap((paper) => identifiersOf(paper).map((identifier) => identifier.name)))];
  const holders = new Map<string, string | undefined>();
  try {
    for (let start = 0; start < names.length; start += lookupsAtOnce) {
      const chunk = names.slice(start, start + lookupsAtOnce);
      (await Promise.all(chunk.map(resolve))).forEach((holder, i) => holders.set(chunk[i]!, holder));
    }
  } catch {
    return undefined;
  }
  return holders;
}

/** One of a paper's identifiers, and the name (`doi:…`, `arxiv:…`) that stands for it. */
type NamedIdentifier = Pick<SharedIdentifier, 'field' | 'value'> & { name: string };

function identifiersOf(paper: Paper): NamedIdentifier[] {
  const identifiers: NamedIdentifier[] = [];
  // Stored DOIs are already lower-case; arXiv ids name a paper whatever their version.
  if (paper.doi) identifiers.push({ field: 'doi', value: paper.doi, name: `doi:${paper.doi}` });
  if (paper.arxiv_id) identifiers.push({ field: 'arxiv_id', value: paper.arxiv_id, name: `arxiv:${arxivIdWithoutVersion(paper.arxiv_id)}` });
  return identifiers;
}
