import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';

/** The facets CSFCube judges a query paper on; "all" in its facet file lists every query. */
export const csfcubeFacets = ['background', 'method', 'result'] as const;
export type CsfcubeFacet = (typeof csfcubeFacets)[number];

export interface CsfcubeQuery {
  /** `<paper id>_<facet>`, the key of pools, judgments and runs. */
  id: string;
  paperId: string;
  facet: CsfcubeFacet;
}

/** One fold of CSFCube as distributed with its evaluate.py (see the data folder's README). */
export interface CsfcubeFold {
  folder: string;
  corpusFile: string;
  queries: CsfcubeQuery[];
  /** Each query's judged candidate pool, in file order. */
  pools: Map<string, string[]>;
  /** Graded judgments 0-3 per query and candidate. */
  judgments: Map<string, Map<string, number>>;
  /** Query ids per facet, plus "all", as the benchmark averages them. */
  queriesByFacet: Record<string, string[]>;
}

const queryLine = z.object({ _id: z.string(), paper_id: z.string(), facet: z.enum(csfcubeFacets) });
const poolLine = z.object({ 'query-id': z.string(), candidates: z.array(z.string()) });
const facetFile = z.record(z.string(), z.array(z.string()));

export async function readCsfcubeFold(folder: string): Promise<CsfcubeFold> {
  const queries = (await readJsonLines(join(folder, 'queries.jsonl'))).map((line) => {
    const query = queryLine.parse(line);
    return { id: query._id, paperId: query.paper_id, facet: query.facet };
  });
  const pools = new Map(
    (await readJsonLines(join(folder, 'pools.jsonl'))).map((line) => {
      const pool = poolLine.parse(line);
      return [pool['query-id'], pool.candidates] as const;
    }),
  );
  const judgments = new Map<string, Map<string, number>>();
  for (const line of (await readFile(join(folder, 'qrels.tsv'), 'utf8')).split('\n').slice(1)) {
    const [queryId, candidateId, grade] = line.trim().split('\t');
    if (!queryId || !candidateId || grade === undefined) continue;
    const perQuery = judgments.get(queryId) ?? new Map<string, number>();
    perQuery.set(candidateId, Number(grade));
    judgments.set(queryId, perQuery);
  }
  const queriesByFacet = facetFile.parse(JSON.parse(await readFile(join(folder, 'dev_queries_by_facet.json'), 'utf8')));
  return { folder, corpusFile: join(folder, 'corpus.jsonl'), queries, pools, judgments, queriesByFacet };
}

async function readJsonLines(path: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.trim()) rows.push(JSON.parse(line));
  }
  return rows;
}
