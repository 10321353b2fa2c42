import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifySentenceRoles, roleScores } from '../../src/search/related/sentence-roles.js';

describe('classifySentenceRoles', () => {
  it('reads a conventional abstract as background, method, result', () => {
    const abstract = [
      'Parsing long documents remains a challenging problem for existing systems.',
      'We propose a graph-based algorithm that encodes each section as a node.',
      'The model is trained with a contrastive objective.',
      'Experiments show that our approach outperforms strong baselines by 4.2% accuracy.',
    ];
    assert.deepEqual(classifySentenceRoles(abstract), ['background', 'method', 'method', 'result']);
  });

  it('lets position decide where no cue speaks: the opening sentence is background, the closing one a result', () => {
    assert.deepEqual(classifySentenceRoles(['Cats sit on mats.', 'Birds sit on wires.']), ['background', 'result']);
  });

  it('keeps the usual order unless a strong cue pays for going back', () => {
    // A weak background cue ("task") after a method sentence stays method; a result cue wins at the end.
    const roles = classifySentenceRoles(['We propose a new model.', 'The task uses the model on two corpora.', 'Results show large gains.']);
    assert.deepEqual(roles, ['method', 'method', 'result']);
  });

  it('gives nothing for no sentences, and scores every role for each sentence', () => {
    assert.deepEqual(classifySentenceRoles([]), []);
    const [scores] = roleScores(['We propose a method.']);
    assert.ok(scores!.method > scores!.result);
  });
});
