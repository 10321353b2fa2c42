import type { BuildSource, CollectionBuilder, PaperStorage } from '../../src/storage/paper-storage.js';

/** Papers read from the source per page. */
const pageSize = 1_000;

/**
 * Copies every paper of `source`, with its stored vector, into `builder` and publishes it: a
 * collection moved to another backend (or another folder) without calling the model. On any
 * failure the build is abandoned and the target left as it was.
 */
export async function copyCollection(
  source: PaperStorage,
  builder: CollectionBuilder,
  buildSource: Omit<BuildSource, 'read' | 'rejected'>,
  onPage?: (copied: number) => void,
): Promise<void> {
  try {
    let cursor: string | undefined;
    do {
      const page = await source.list(cursor, pageSize);
      const vectors = await source.vectors(page.papers.map((paper) => paper.id));
      for (const [i, paper] of page.papers.entries()) await builder.add(paper, vectors[i]!);
      onPage?.(builder.size);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    await builder.finish({ ...buildSource, read: builder.size, rejected: 0 });
  } catch (error) {
    await builder.abort();
    throw error;
  }
}
