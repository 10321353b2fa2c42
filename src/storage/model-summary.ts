import { formatLongPassages, type ModelDescription } from '../embedding/model-registry.js';

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
