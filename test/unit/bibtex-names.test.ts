import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Creator } from '@retorquere/bibtex-parser';
import { bibtexNames } from '../../src/ingest/formats/bibtex-names.js';
import { cleanLibraryText, convertWithLibrary, loadBibtexLibrary } from '../../src/ingest/formats/tex-text.js';

let parse: Awaited<ReturnType<typeof loadBibtexLibrary>>;
before(async () => {
  parse = await loadBibtexLibrary();
});

/** The same names as the library reads them, displayed the same way. */
function libraryNames(field: string): string[] {
  const creators = (convertWithLibrary(parse, { author: field })?.author ?? []) as Creator[];
  return creators
    .map((creator) =>
      cleanLibraryText(
        (creator.name !== undefined ? [creator.name] : [creator.firstName, creator.prefix, creator.lastName, creator.suffix]).filter(Boolean).join(' '),
      ),
    )
    .filter((name) => name.toLowerCase() !== 'others');
}

describe('bibtexNames', () => {
  const cases: [string, string[]][] = [
    ['Lovelace, Ada and Turing, Alan Mathison', ['Ada Lovelace', 'Alan Mathison Turing']],
    ['van der Berg, Anna and Ludwig van Beethoven', ['Anna van der Berg', 'Ludwig van Beethoven']],
    ['Jean de la Fontaine and de la Fontaine, Jean', ['Jean de la Fontaine', 'Jean de la Fontaine']],
    ["Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin", ['Charles Louis Xavier Joseph de la Vallée Poussin']],
    ['Smith, Jr., John and von Neumann, John', ['John Smith Jr.', 'John von Neumann']],
    ['{Barnes and Noble} and {Google Research}', ['Barnes and Noble', 'Google Research']],
    ['Ludwig {van Beethoven}', ['Ludwig van Beethoven']],
    ['{\\"U}nal, Ali and D\'Inc\\`a, Moreno and Serre, J.-P.', ['Ali Ünal', "Moreno D'Incà", 'J.-P. Serre']],
    ['Plato and A.~B. Smith AND al-Khwarizmi, Muhammad', ['Plato', 'A. B. Smith', 'Muhammad al-Khwarizmi']],
    ['Hinterberger, Greta and others', ['Greta Hinterberger']],
  ];
  for (const [field, names] of cases) {
    it(`reads "${field}" as the library does`, () => {
      assert.deepEqual(bibtexNames(field), names);
      assert.deepEqual(libraryNames(field), names);
    });
  }

  it('leaves names with TeX commands beyond accents to the library', () => {
    assert.equal(bibtexNames('\\textsc{Knuth}, Donald'), undefined);
    assert.equal(bibtexNames('$\\alpha$ Team'), undefined);
  });
});
