import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainThreadMs } from './support.js';
import { TermDictionary, analyze, analyzerName, englishStopWords } from '../../src/storage/embedded/lexical/analyzer.js';

describe('analyze', () => {
  it('stems with Porter', () => {
    assert.deepEqual(analyze('networks'), ['network']);
    assert.deepEqual(analyze('compression compressed compressing'), ['compress', 'compress', 'compress']);
    assert.deepEqual(analyze('generalization generalizations'), ['gener', 'gener']);
    assert.deepEqual(analyze('running runs ponies relational'), ['run', 'run', 'poni', 'relat']);
  });

  it('lower-cases', () => {
    assert.deepEqual(analyze('Transformer TRANSFORMERS'), ['transform', 'transform']);
  });

  it('removes the Lucene English stop words, and only those', () => {
    assert.deepEqual(analyze('the effect of the drug on the patients and their families'), ['effect', 'drug', 'patient', 'famili']);
    assert.equal(englishStopWords.size, 33);
    assert.deepEqual(analyze('against between during without'), ['against', 'between', 'dure', 'without']);
    // Stop words are matched before stemming, as in Lucene: "thing" is no stop word.
    assert.deepEqual(analyze('this thing'), ['thing']);
  });

  it('folds accents and compatibility forms', () => {
    assert.deepEqual(analyze('Schrödinger'), analyze('Schrodinger'));
    assert.deepEqual(analyze('naïve café Ångström'), ['naiv', 'cafe', 'angstrom']);
    assert.deepEqual(analyze('ﬁnal ﬂow'), ['final', 'flow']);
    assert.deepEqual(analyze('ＧＰＴ４'), ['gpt4']);
    // Mathematical bold capitals only become letters with a case after decomposition.
    assert.deepEqual(analyze('𝐆𝐏𝐓'), ['gpt']);
    assert.deepEqual(analyze('m²'), ['m2']);
  });

  it('regression: folds the letters NFKD leaves whole, as the authors filter does ("Lukasiewicz" did not find Łukasiewicz, nor "Strasse" Straße)', () => {
    assert.deepEqual(analyze('Łukasiewicz Søren Straße GRÖẞE Đorđević Ærø Þór'), analyze('Lukasiewicz Soren Strasse grosse Dordevic Aero Thor'));
    assert.deepEqual(analyze('straße'), ['strass']);
    // Indexes built with the first version keep meaning what they meant.
    assert.deepEqual(analyze('Łukasiewicz Straße', 'english-lucene33stop-porter-v1'), ['łukasiewicz', 'straße']);
    assert.deepEqual(analyze('Schrödinger ﬁnal', 'english-lucene33stop-porter-v1'), ['schroding', 'final']);
  });

  it('regression: keeps the marks that are part of their letter ("バス" (bus) found "パス" (path) and "ハス", "काम" (work) "कम" (less))', () => {
    assert.equal(new Set(analyze('パス バス ハス')).size, 3);
    assert.deepEqual(analyze('ﾊﾟｽ'), analyze('パス'));
    assert.notDeepEqual(analyze('काम'), analyze('कम'));
    assert.notDeepEqual(analyze('ไม้'), analyze('ไม'));
    // Marks writers leave out still fold: accents, Hebrew points, Arabic vowel signs.
    assert.deepEqual(analyze('Schrödinger שָׁלוֹם مُحَمَّد'), analyze('Schrodinger שלום محمد'));
    assert.deepEqual(analyze('パス バス', 'english-lucene33stop-porter-v1'), analyze('ハス ハス', 'english-lucene33stop-porter-v1'));
  });

  it('regression: keeps C++, C# and F# as words (a query for them had no term, so lexical search found nothing and hybrid scored the C++ paper 0.01)', () => {
    assert.deepEqual(analyze('The C++ code, in C#; F#. C++/CLI (C#)'), ['c++', 'code', 'c#', 'f#', 'c++', 'cli', 'c#']);
    // Only a lone letter with its symbols, and nothing of a word after them.
    assert.deepEqual(analyze('C++11 Notepad++ a#b C##'), ['11', 'notepad']);
    assert.deepEqual(analyze('C++ C#', 'english-lucene33stop-porter-v1'), []);
  });

  it('regression: reads a superscript after a digit as an exponent ("10⁶", as TeX\'s "$10^6$" is read, was the term "106": "10^6" missed it and "106" found it)', () => {
    assert.deepEqual(analyze('10⁶ cells, 2⁶⁴ keys'), analyze('10^6 cells, 2^64 keys'));
    assert.deepEqual(analyze('m² x³ CO₂ H₂O'), ['m2', 'x3', 'co2', 'h2o']);
    assert.deepEqual(analyze('10⁶', 'english-lucene33stop-porter-v1'), ['106']);
  });

  it('keeps letters and digits together and splits on everything else', () => {
    assert.deepEqual(analyze('covid19 3D GPT4 H1N1'), ['covid19', '3d', 'gpt4', 'h1n1']);
    assert.deepEqual(analyze('COVID-19'), ['covid', '19']);
    assert.deepEqual(analyze('state-of-the-art'), ['state', 'art']);
    assert.deepEqual(analyze("the author's results don't hold"), ['author', 'result', 'don', 'hold']);
    assert.deepEqual(analyze('IL-6/TNF; p<0.05 (n=12)'), ['il', '6', 'tnf', '0', '05', '12']);
    assert.deepEqual(analyze('one\ttwo\nthree—four…five'), ['on', 'two', 'three', 'four', 'five']);
  });

  it('regression: in a paper, counts words joined by hyphens also as the one word they make, so a query written whole finds them ("pretraining" found none of the papers writing "pre-training", nor "finetuning" "fine-tuning")', () => {
    const inPaper = (text: string) => analyze(text, analyzerName, 'document');
    assert.deepEqual(inPaper('pre-training and pretraining'), ['pre', 'train', 'pretrain', 'pretrain']);
    assert.deepEqual(inPaper('fine-tuning, multi-modal t-SNE'), ['fine', 'tune', 'finetun', 'multi', 'modal', 'multimod', 'sne', 'tsne']);
    assert.deepEqual(inPaper('COVID-19, state-of-the-art'), ['covid', '19', 'covid19', 'state', 'art', 'stateoftheart']);
    assert.deepEqual(inPaper('IL-6/TNF; TNF-α'), ['il', '6', 'il6', 'tnf', 'tnf', 'tnfα']);
    // Unicode's hyphens join too; a range of numbers, an en dash, a hyphen at a word's edge or between spaces do not.
    assert.deepEqual(inPaper('zero\u2011shot self\u2010supervised'), ['zero', 'shot', 'zeroshot', 'self', 'supervis', 'selfsupervis']);
    assert.deepEqual(inPaper('1990-2000, Smith–Jones, pre- and post-, a - b, c++-based'), ['1990', '2000', 'smith', 'jone', 'pre', 'post', 'c++', 'base']);
    // A query keeps them as their parts; the analyzer's earlier versions, papers too.
    assert.deepEqual(analyze('pre-training'), ['pre', 'train']);
    assert.deepEqual(analyze('pre-training', 'english-lucene33stop-porter-v2', 'document'), ['pre', 'train']);
  });

  it('drops single letters and keeps single digits', () => {
    assert.deepEqual(analyze('a b c x y z'), []);
    assert.deepEqual(analyze('type 2 diabetes, phase 3'), ['type', '2', 'diabet', 'phase', '3']);
    assert.deepEqual(analyze('TNF-α'), ['tnf']);
  });

  it('keeps words of other scripts whole and unstemmed', () => {
    assert.deepEqual(analyze('Москва αβγ'), ['москва', 'αβγ']);
    // Devanagari vowel signs are combining marks: the word stays one token, marks removed.
    assert.equal(analyze('हिन्दी').length, 1);
    // Characters outside the Basic Multilingual Plane (surrogate pairs).
    assert.deepEqual(analyze('𠀀𠀁 emoji 😀 ok'), ['𠀀𠀁', 'emoji', 'ok']);
  });

  it('drops tokens longer than 255 characters', () => {
    assert.deepEqual(analyze(`gene ${'acgt'.repeat(100)} sequence`), ['gene', 'sequenc']);
    assert.deepEqual(analyze('x'.repeat(255)), ['x'.repeat(255)]);
  });

  it('gives nothing for empty or separator-only text', () => {
    assert.deepEqual(analyze(''), []);
    assert.deepEqual(analyze(' \n\t-—,.;:!?()[]{}\'"'), []);
  });

  it('is pure: the same text always gives the same terms', () => {
    const text = 'Deep residual networks for image recognition, revisited: ResNet-50 on ImageNet.';
    const first = analyze(text);
    analyze('unrelated words in between that fill the token cache');
    assert.deepEqual(analyze(text), first);
    assert.deepEqual(first, ['deep', 'residu', 'network', 'imag', 'recognit', 'revisit', 'resnet', '50', 'imagenet']);
  });

  it('stays correct when its token cache is emptied', () => {
    const text = 'Graph neural networks for protein folding';
    const expected = analyze(text);
    // 250,000 distinct tokens: past the cache's limit, so the next call starts a fresh cache.
    for (let batch = 0; batch < 5; batch++) {
      const words = Array.from({ length: 50_000 }, (_, i) => `q${batch}z${i}`);
      assert.deepEqual(analyze(words.join(' ')), words);
    }
    assert.deepEqual(analyze(text), expected);
    assert.deepEqual(analyze('q0z7 q4z49999'), ['q0z7', 'q4z49999']);
  });

  it('analyzes more than a million tokens per second', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}ing`);
    const text = Array.from({ length: 200 }, (_, i) => `The ${words[(i * 7919) % words.length]} of Networks, compressed.`).join(' ');
    const tokensPerText = 5 * 200;
    analyze(text);
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const start = mainThreadMs();
      for (let i = 0; i < 100; i++) analyze(text);
      best = Math.min(best, mainThreadMs() - start);
    }
    const tokensPerSecond = (100 * tokensPerText) / (best / 1000);
    assert.ok(tokensPerSecond >= 1e6, `${Math.round(tokensPerSecond)} tokens/s`);
  });
});

describe('TermDictionary', () => {
  it('numbers terms in order of first appearance, exactly as analyze finds them', () => {
    const dictionary = new TermDictionary();
    const text = 'Networks of networks: the compressed network compression';
    const ids = dictionary.termIds(text);
    assert.deepEqual(ids, [0, 0, 1, 0, 1]);
    assert.deepEqual(
      ids.map((id) => dictionary.term(id)),
      analyze(text),
    );
    assert.deepEqual(dictionary.termIds('compress NETWORK new'), [1, 0, 2]);
    assert.deepEqual(dictionary.allTerms(), ['network', 'compress', 'new']);
    assert.equal(dictionary.size, 3);
    assert.throws(() => dictionary.term(3), RangeError);
  });

  it('stays correct while its token table grows', () => {
    const dictionary = new TermDictionary();
    const words = Array.from({ length: 20_000 }, (_, i) => `t${i}x`);
    const ids = dictionary.termIds(words.join(' '));
    assert.deepEqual(
      ids,
      words.map((_, i) => i),
    );
    assert.deepEqual(dictionary.termIds(`${words[12_345]} ${words[3]}`), [12_345, 3]);
  });
});
