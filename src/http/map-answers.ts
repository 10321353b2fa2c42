import type { CollectionMap } from '../search/collection-map.js';
import type { SearchService } from '../search/search-service.js';
import { keptAnswer, withGzip, type GzippedAnswer } from './kept-answer.js';

/**
 * The map's answer, encoded and compressed once per version of the collection's contents and sent
 * as it is to every client that asks: building, encoding and compressing the 2 MB answer of 75,000
 * papers for each request would keep every other request waiting (400 pipelined requests: 16 s)
 * and hold a copy per request. Requests that arrive while it is built wait for that one build. A
 * service whose contents have no version (see SearchService.contentsVersion) builds every answer.
 */
export class MapAnswers {
  private readonly kept = new WeakMap<SearchService, { version: number; answer: Promise<GzippedAnswer> }>();

  of(service: SearchService): Promise<GzippedAnswer> {
    const version = service.contentsVersion();
    const kept = this.kept.get(service);
    if (version !== undefined && kept?.version === version) return kept.answer;
    const answer = service.map().then(mapAnswer);
    if (version === undefined) return answer;
    this.kept.set(service, { version, answer });
    // A failed build (the map still being computed: map_building) is not kept.
    answer.catch(() => {
      if (this.kept.get(service)?.answer === answer) this.kept.delete(service);
    });
    return answer;
  }
}

/** GET /v1/map's answer without took_ms, which each request adds. */
function mapAnswer(map: CollectionMap): GzippedAnswer {
  return withGzip(
    keptAnswer({
      count: map.ids.length,
      ids: map.ids,
      x: base64Of(map.x),
      y: base64Of(map.y),
      groups: map.groups,
      group_sizes: map.groupSizes,
      group: base64Of(map.group),
      method: map.method,
      built_at: map.builtAt,
    }),
  );
}

/** A typed array's bytes (little-endian: every platform Node runs on), base64-encoded. */
function base64Of(values: Float32Array | Uint16Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}
