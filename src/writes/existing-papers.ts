/**
 * What a write of new papers (POST /v1/papers) does with one whose id is stored already: refuse
 * the write (409 `paper_exists`), keep the stored paper, or replace it. Apart from the write
 * service so that the request schemas (and the client built on them) need not load it.
 */
export const existingPaperChoices = ['refuse', 'keep', 'replace'] as const;
export type ExistingPaperChoice = (typeof existingPaperChoices)[number];
