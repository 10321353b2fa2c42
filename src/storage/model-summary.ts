import { z } from 'zod';
import { formatLongPassages, type ModelDescription } from '../embedding/model-registry.js';

/** The model as a collection records it (describeModel's form), read back: the index folder's manifest and a Weaviate collection's metadata. */
export const recordedModelSchema = z.object({
  id: z.string(),
  hubId: z.string(),
  dimension: z.number().int().positive(),
  pooling: z.enum(['mean', 'cls']),
  maxTokens: z.number().int().positive(),
  /** How passages longer than the window were embedded: `truncate`, or `windows:<stride>`. */
  longPassages: z.string(),
  /** Weight of the title embedded alone in each paper's vector; absent (read as 0) in collections built before it had one. */
  titleWeight: z.number().nonnegative().default(0),
  onnxSha256: z.string(),
});

/** The model as every backend records it beside a collection, and compares it with the one serving it. */
export function describeModel(model: ModelDescription) {
  return {
    id: model.id,
    hubId: model.hubId,
    dimension: model.dimension,
    pooling: model.pooling,
    maxTokens: model.maxTokens,
    longPassages: formatLongPassages(model.longPassages),
    titleWeight: model.titleWeight,
    onnxSha256: model.onnxSha256,
  };
}
