import { z } from 'zod';
import { searchModes } from '../search/search-modes.js';

const k = z.coerce.number().int().min(1).max(100).default(10);
const nonBlank = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.trim().length > 0, { message: 'must not be empty or only white space' });

const mode = z.enum(searchModes).optional();

export const searchRequestSchema = z.strictObject({
  query: nonBlank(10_000),
  k,
  mode,
});

export const similarRequestSchema = z.strictObject({
  abstract: nonBlank(100_000),
  title: z.string().max(2_000).optional(),
  k,
  mode,
});

export const relatedQuerySchema = z.strictObject({ k });

export const paperIdParamsSchema = z.object({ id: z.string().min(1).max(512) });
