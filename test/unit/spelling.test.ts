import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { termOf } from '../../src/storage/embedded/lexical/analyzer.js';
import { spellingSuggestion } from '../../src/storage/embedded/lexical/spelling.js';

/** Papers holding each term, as a small collection's vocabulary would count them. */
const papersHolding = new Map(
  Object.entries({
    transformer: 900,
    attention: 700,
    gaussian: 300,
    splatting: 80,
    neural: 1200,
    network: 1500,
    implicit: 150,
    representation: 400,
    model: 3000,
    modal: 60,
    traffic: 500,
    mapping: 400,
    scaling: 300,
    laws: 200,
  }).map(([word, papers]) => [termOf(word)!, papers]),
);
// Papers have typos too: a slip some papers hold is still corrected when the word meant is far commoner.
papersHolding.set(termOf('transfomer')!, 2);
const suggest = (query: string) => spellingSuggestion(query, (term) => papersHolding.get(term) ?? 0);

describe('spelling suggestions', () => {
  it('corrects a word few or no papers hold to a far commoner word one letter away, keeping the rest of the query as typed', () => {
    assert.equal(suggest('Transfomer attention'), 'Transformer attention');
    assert.equal(suggest('gausian splatting'), 'gaussian splatting');
    assert.equal(suggest('implict neural representaion'), 'implicit neural representation');
    assert.equal(suggest('graph nueral networks!'), 'graph neural networks!');
  });

  it('suggests nothing for words papers hold, short words, names, acronyms, or a first letter changed', () => {
    for (const query of ['transformer attention', 'modal logic', 'nets', 'TRANFORMER', 'KRAS signalling', 'Xransformer', 'zxcvbnm qwertyu']) {
      assert.equal(suggest(query), undefined, query);
    }
  });

  it('offers no string Porter folds onto a common stem that is no word ("trafficcing" is not "traffic")', () => {
    assert.equal(termOf('trafficcing'), termOf('traffic'));
    assert.equal(suggest('traficcing jams'), undefined);
  });

  it('regression: corrects to a word that spells its stem with a doubled consonant or without its e ("Gaussain splating" got "Gaussian splating": "splatting" was taken for no word of its stem "splat")', () => {
    assert.equal(suggest('Gaussain splating'), 'Gaussian splatting');
    assert.equal(suggest('semantic maping'), 'semantic mapping');
    assert.equal(suggest('scalling laws'), 'scaling laws');
  });

  it('regression: takes a doubled letter typed once for a likelier slip than a changed letter ("nueral video compresion" got "comprision", a non-word whose stem "compris" more papers hold than "compress")', () => {
    const arxivCounts = new Map([
      [termOf('neural')!, 12_000],
      [termOf('compression')!, 3_014],
      [termOf('comprising')!, 3_393],
    ]);
    assert.equal(termOf('comprision'), termOf('comprising'), 'the non-word reads as a word of that stem');
    assert.equal(
      spellingSuggestion('nueral video compresion', (term) => arxivCounts.get(term) ?? 0),
      'neural video compression',
    );
  });

  it('looks at no long query, and at a few words of one', () => {
    assert.equal(suggest(`${'transfomer '.repeat(40)}`), undefined);
    const many = 'transfomer gausian implict representaion splating transfomer';
    assert.equal(suggest(many), 'transformer gaussian implicit representaion splating transfomer');
    // A word longer than a slip's (a name, a formula, debris) is left alone: its neighbours cost with its length.
    assert.equal(suggest(`${'representaion'}${'s'.repeat(10)}`), undefined);
    assert.equal(suggest('x'.repeat(299)), undefined);
  });
});
