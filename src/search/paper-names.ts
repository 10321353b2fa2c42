import { isIdentifierName, paperNameOfQuery, paperNotFound } from '../papers/identifiers.js';
import type { Paper } from '../papers/paper.js';
import type { PaperStorage } from '../storage/paper-storage.js';

/** The stored papers and vectors that names (an id, doi:…, arxiv:…, a link to either) stand for. */
export class PaperNames {
  constructor(private readonly storage: PaperStorage) {}

  /**
   * The stored papers `names` name, in their order (undefined for a name no paper answers to):
   * ids in one read; each distinct DOI or arXiv name (doi:…, links) that is no paper's id resolved
   * once, one at a time (on a cluster each is a query of its own), then the papers they name in
   * one more read.
   */
  async papers(written: readonly string[]): Promise<(Paper | undefined)[]> {
    // Read as resolve reads a name (see PaperStorage.resolve): ids are stored trimmed.
    const names = written.map((name) => name.trim());
    const papers = await this.storage.papers(names);
    const unresolved = [...new Set(names.filter((name, i) => !papers[i] && isIdentifierName(name)))];
    if (unresolved.length === 0) return papers;
    const idOf = new Map<string, string>();
    for (const name of unresolved) {
      const id = await this.storage.resolve(name);
      if (id !== undefined) idOf.set(name, id);
    }
    const ids = [...new Set(idOf.values())];
    const resolved = new Map((await this.storage.papers(ids)).map((paper, i) => [ids[i]!, paper]));
    return names.map((name, i) => papers[i] ?? resolved.get(idOf.get(name) ?? ''));
  }

  /** The stored paper a name (id, doi:…, arxiv:…) names. */
  async paper(name: string): Promise<Paper> {
    const [paper] = await this.papers([name]);
    if (!paper) throw paperNotFound([name]);
    return paper;
  }

  /**
   * The stored paper a query names when the whole query is an arXiv id, a DOI or a link to either
   * (people paste them into a search box): its words match no abstract, so the list alone would
   * not find it.
   */
  async namedByQuery(query: string): Promise<{ id: string; title: string } | undefined> {
    const name = paperNameOfQuery(query);
    const [paper] = name === undefined ? [] : await this.papers([name]);
    return paper && { id: paper.id, title: paper.title };
  }

  /** The ids `names` name and their stored vectors, in order; any unknown name is a 404 naming all of them. */
  async storedVectors(names: readonly string[]): Promise<{ ids: string[]; vectors: Float32Array[] }> {
    const ids = await Promise.all(names.map((name) => this.storage.resolve(name)));
    const vectors = await this.storage.vectors(ids.map((id) => id ?? ''));
    const unknown = names.filter((_, i) => ids[i] === undefined || vectors[i] === undefined);
    if (unknown.length > 0) throw paperNotFound(unknown);
    return { ids: ids as string[], vectors: vectors as Float32Array[] };
  }
}
