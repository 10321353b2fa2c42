import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface StoredPaper {
  id: string;
  title?: string;
  abstract: string;
}

/** The first `count` papers of an index folder's papers.jsonl (label order). */
export async function readPapers(indexDir: string, count: number): Promise<StoredPaper[]> {
  const papers: StoredPaper[] = [];
  const lines = createInterface({ input: createReadStream(join(indexDir, 'papers.jsonl')) });
  for await (const line of lines) {
    if (!line.trim()) continue;
    papers.push(JSON.parse(line) as StoredPaper);
    if (papers.length >= count) break;
  }
  lines.close();
  return papers;
}
