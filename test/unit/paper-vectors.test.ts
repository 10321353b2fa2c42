import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paperPassage } from '../../src/embedding/embedder.js';
import { withTitleWeight } from '../../src/embedding/model-registry.js';
import { blendTitle, embedPapers } from '../../src/embedding/paper-vectors.js';
import { dot } from '../../src/shared/vector-math.js';
import { FakeEmbedder } from './fake-collection.js';

const titled = { title: ' Volcano eruption forecasting ', abstract: 'Seismic tremor predicts the eruption.' };
const untitled = { abstract: 'Magma rises before the eruption.' };

describe('embedPapers', () => {
  it("adds the title embedded alone, at the model's weight, to a titled paper's passage vector, at unit length", async () => {
    const embedder = new FakeEmbedder();
    const [vector] = await embedPapers(embedder, [titled]);
    const passage = embedder.vectorOf(paperPassage(titled.title, titled.abstract));
    const title = embedder.vectorOf('Volcano eruption forecasting');
    const expected = blendTitle(Float32Array.from(passage), title, embedder.model.titleWeight);
    assert.ok(embedder.model.titleWeight > 0);
    assert.ok(Math.abs(dot(vector!, vector!) - 1) < 1e-6);
    assert.ok(dot(vector!, expected) > 1 - 1e-6);
    assert.ok(dot(vector!, passage) < 1 - 1e-3, 'the title moved the vector');
  });

  it('gives each titled paper its own title, in order', async () => {
    const embedder = new FakeEmbedder();
    const other = { title: 'Protein folding', abstract: 'Attention predicts protein structure.' };
    const vectors = await embedPapers(embedder, [titled, untitled, other]);
    const [alone] = await embedPapers(new FakeEmbedder(), [other]);
    const [first] = await embedPapers(new FakeEmbedder(), [titled]);
    assert.deepEqual(vectors[2], alone);
    assert.deepEqual(vectors[0], first);
    assert.deepEqual(
      vectors,
      [titled, untitled, other].map((paper) => embedder.paperVector(paper)),
      'the fake model builds test indexes the same way',
    );
  });

  it('embeds passages and titles in one model call, titles after the passages, and leaves an untitled paper its passage vector', async () => {
    const embedder = new FakeEmbedder();
    const vectors = await embedPapers(embedder, [untitled, titled, { ...untitled, title: '   ' }]);
    assert.deepEqual(embedder.calls, [
      {
        kind: 'passage',
        texts: [
          paperPassage(undefined, untitled.abstract),
          paperPassage(titled.title, titled.abstract),
          paperPassage(undefined, untitled.abstract),
          'Volcano eruption forecasting',
        ],
        alone: false,
      },
    ]);
    assert.deepEqual(vectors[0], embedder.vectorOf(paperPassage(undefined, untitled.abstract)));
    assert.deepEqual(vectors[2], vectors[0]);
    assert.notStrictEqual(vectors[2], vectors[0], 'each paper gets its own array');
  });

  it('embeds the passage alone when the title weight is 0 (indexes built before titles had one)', async () => {
    const embedder = new FakeEmbedder();
    Object.assign(embedder, { model: withTitleWeight(embedder.model, 0) });
    const [vector] = await embedPapers(embedder, [titled]);
    assert.deepEqual(embedder.calls, [{ kind: 'passage', texts: [paperPassage(titled.title, titled.abstract)], alone: false }]);
    assert.deepEqual(vector, embedder.vectorOf(paperPassage(titled.title, titled.abstract)));
  });

  it('asks nothing of the model for no papers', async () => {
    const embedder = new FakeEmbedder();
    assert.deepEqual(await embedPapers(embedder, []), []);
    assert.deepEqual(embedder.calls, []);
  });
});
