import { z } from 'zod';

const k = z.coerce.number().int().min(1).max(100).default(10);
const nonBlank = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.trim().length > 0, { message: 'must not be empty or only white space' });

export const searchRequestSchema = z.strictObject({
  query: nonBlank(10_000),
  k,
});

export const similarRequestSchema = z.strictObject({
  abstract: nonBlank(100_000),
  title: z.string().max(2_000).optional(),
  k,
});

export const relatedQuerySchema = z.strictObject({ k });

export const paperIdParamsSchema = z.object({ id: z.string().min(1).max(512) });
