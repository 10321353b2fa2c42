import { z } from 'zod';

/** A stored paper: what ingestion keeps and what every hit carries. */
export const paperSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  abstract: z.string().min(1),
  authors: z.array(z.string()).optional(),
  categories: z.array(z.string()).optional(),
  year: z.number().int().optional(),
  date: z.string().optional(),
  doi: z.string().optional(),
  arxiv_id: z.string().optional(),
  url: z.string().optional(),
});

export type Paper = z.infer<typeof paperSchema>;
