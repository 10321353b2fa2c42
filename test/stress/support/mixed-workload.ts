import { pick, type Outcome, type Planned } from './load.js';
import type { SamplePaper } from './stress-index.js';

const json = { 'content-type': 'application/json' };

/** Words of the sample titles, to make queries the query cache has not seen. */
function vocabulary(papers: readonly SamplePaper[]): string[] {
  const words = new Set<string>();
  for (const paper of papers) for (const word of paper.title.toLowerCase().match(/[a-z]{4,}/g) ?? []) words.add(word);
  return [...words];
}

/**
 * The mixed workload of the load and soak tests: every search mode, similar, related,
 * recommend, batch, get, list, and writes (create, replace, delete) with an API key. Each client
 * writes only its own papers, so every write it sends has one right answer.
 */
export class MixedWorkload {
  private readonly words: string[];
  private readonly ids: string[];
  private readonly categories: string[];
  private readonly authors: string[];
  /** Papers each client has written and not deleted. */
  private readonly written = new Map<number, string[]>();
  private counter = 0;

  constructor(
    private readonly papers: readonly SamplePaper[],
    private readonly apiKey: string,
    /** Share of requests that are writes (0..1). */
    private readonly writeShare = 0.1,
  ) {
    this.words = vocabulary(papers);
    this.ids = papers.map((paper) => paper.id);
    this.categories = [...new Set(papers.flatMap((paper) => paper.categories ?? []))];
    this.authors = [...new Set(papers.flatMap((paper) => paper.authors ?? []))];
  }

  private query(random: () => number): string {
    const length = 2 + Math.floor(random() * 6);
    return Array.from({ length }, () => pick(random, this.words)).join(' ');
  }

  private filter(random: () => number): Record<string, unknown> | undefined {
    const roll = random();
    if (roll < 0.6) return undefined;
    if (roll < 0.75) return { year: { gte: 2025 } };
    if (roll < 0.9) return { categories: { any: [pick(random, this.categories), pick(random, this.categories)] } };
    return { authors: { any: [pick(random, this.authors)] } };
  }

  next(client: number, random: () => number): Planned {
    const roll = random();
    if (roll < this.writeShare) return this.write(client, random);
    const read = (roll - this.writeShare) / (1 - this.writeShare);
    const k = 1 + Math.floor(random() * 20);
    if (read < 0.3) {
      const mode = pick(random, ['hybrid', 'dense', 'lexical'] as const);
      return post(`/v1/search (${mode})`, '/v1/search', { query: this.query(random), mode, k, filter: this.filter(random) });
    }
    if (read < 0.36) {
      const paper = pick(random, this.papers);
      return post('/v1/similar', '/v1/similar', { title: paper.title, abstract: `${paper.abstract.slice(0, 400)} ${this.query(random)}`, k });
    }
    if (read < 0.54) {
      const id = pick(random, this.ids);
      return { route: '/v1/papers/:id/related', method: 'GET', path: `/v1/papers/${encodeURIComponent(id)}/related?k=${k}` };
    }
    if (read < 0.64) {
      const positive = [pick(random, this.ids), pick(random, this.ids)];
      const negative = [pick(random, this.ids)].filter((id) => !positive.includes(id));
      return post('/v1/recommend', '/v1/recommend', { positive, negative, k, filter: this.filter(random) });
    }
    if (read < 0.7) {
      const queries = Array.from({ length: 2 + Math.floor(random() * 6) }, () => ({ query: this.query(random), k: 5 }));
      return post('/v1/search/batch', '/v1/search/batch', { queries });
    }
    if (read < 0.88) {
      const id = pick(random, this.ids);
      return { route: '/v1/papers/:id', method: 'GET', path: `/v1/papers/${encodeURIComponent(id)}${random() < 0.5 ? '?fields=title,year' : ''}` };
    }
    return { route: '/v1/papers', method: 'GET', path: `/v1/papers?limit=${1 + Math.floor(random() * 200)}` };
  }

  private write(client: number, random: () => number): Planned {
    const mine = this.written.get(client) ?? [];
    const auth = { ...json, authorization: `Bearer ${this.apiKey}` };
    const roll = random();
    if (mine.length > 3 && roll < 0.25) {
      const id = mine[Math.floor(random() * mine.length)]!;
      return { route: 'DELETE /v1/papers/:id', method: 'DELETE', path: `/v1/papers/${encodeURIComponent(id)}`, headers: { authorization: auth.authorization } };
    }
    if (mine.length > 0 && roll < 0.5) {
      const id = mine[Math.floor(random() * mine.length)]!;
      return {
        route: 'PUT /v1/papers/:id',
        method: 'PUT',
        path: `/v1/papers/${encodeURIComponent(id)}`,
        headers: auth,
        body: JSON.stringify(this.paperBody(random)),
      };
    }
    const id = `load-${client}-${this.counter++}`;
    return { route: 'POST /v1/papers', method: 'POST', path: '/v1/papers', headers: auth, body: JSON.stringify({ id, ...this.paperBody(random) }) };
  }

  private paperBody(random: () => number): Record<string, unknown> {
    const source = pick(random, this.papers);
    return {
      title: `${this.query(random)} (load test)`,
      abstract: `${this.query(random)}. ${source.abstract.slice(0, 300 + Math.floor(random() * 600))}`,
      categories: source.categories ?? ['cs.LG'],
      date: '2026-01-15',
    };
  }

  /** Keeps each client's list of its papers in step with the answers. */
  observe(client: number, { planned, answer }: Outcome): void {
    if (!answer) return;
    const mine = this.written.get(client) ?? [];
    if (planned.route === 'POST /v1/papers' && answer.status === 201) mine.push((JSON.parse(answer.text) as { paper: { id: string } }).paper.id);
    if (planned.route === 'DELETE /v1/papers/:id' && answer.status === 200) {
      const id = (JSON.parse(answer.text) as { id: string }).id;
      mine.splice(mine.indexOf(id), 1);
    }
    this.written.set(client, mine);
  }

  /** Papers written and not deleted, over all clients. */
  get livePapers(): string[] {
    return [...this.written.values()].flat();
  }
}

function post(route: string, path: string, body: Record<string, unknown>): Planned {
  return { route, method: 'POST', path, headers: json, body: JSON.stringify(body) };
}
