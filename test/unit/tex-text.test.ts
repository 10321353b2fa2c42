import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { bracesBalanced, cleanLibraryText, loadBibtexLibrary, simpleTexToText, simpleText, textsToText, texToText } from '../../src/ingest/formats/tex-text.js';

let parse: Awaited<ReturnType<typeof loadBibtexLibrary>>;
before(async () => {
  parse = await loadBibtexLibrary();
});

/** Asserts that each TeX of `cases` becomes its text. */
function convertsEach(cases: readonly [tex: string, text: string][]): void {
  for (const [tex, text] of cases) assert.equal(texToText(parse, tex), text, tex);
}

describe('simpleText (TeX without commands)', () => {
  it('unescapes specials, drops braces, turns ties, dashes and quote ligatures into text, collapses white space', () => {
    assert.equal(simpleText(" {BERT} at 50\\% \\& \\$5 \\#1 \\_x \\{y\\}\n  a~b 1--2 a---b ``q'' "), 'BERT at 50% & $5 #1 _x {y} a b 1–2 a—b “q”');
  });

  it('composes Unicode (NFC)', () => {
    assert.equal(simpleText('Cafe\u0301'), 'Café');
  });
});

describe('simpleTexToText (the path that skips the library)', () => {
  it('resolves accents and special letters itself', () => {
    const cases: [string, string][] = [
      ["Bal\\'azs, Bal\\'{a}zs, {\\'E}cole, D'Inc\\`a", "Balázs, Balázs, École, D'Incà"],
      ['Schr\\"odinger, na\\"{\\i}ve, \\^{o}, \\~n, \\=a, \\.z', 'Schrödinger, naïve, ô, ñ, ā, ż'],
      ['\\c{c}, \\c c, \\v{s}, \\H{o}, \\u{a}, \\k{a}, \\r{a}, \\d{i}', 'ç, ç, š, ő, ă, ą, å, ị'],
      ["Gau\\ss{} law, \\o, \\O, \\ae, \\AA ngstr\\\"om, \\l\\'od\\'z, \\oe uvre", 'Gauß law, ø, Ø, æ, Ångström, łódź, œuvre'],
    ];
    for (const [tex, text] of cases) assert.equal(simpleTexToText(tex), text, tex);
  });

  it('leaves commands, math and superscripts to the library', () => {
    for (const tex of ['plain', '{BERT}', '50\\%', 'a--b', 'x~y', '\\"o']) assert.notEqual(simpleTexToText(tex), undefined, tex);
    for (const tex of ['$x$', 'x^2', '\\emph{x}', 'a\\\\b', '\\~{}']) assert.equal(simpleTexToText(tex), undefined, tex);
  });
});

describe('texToText of math accents', () => {
  it('regression: puts the accent over its argument ($\\hat{H}$ and $\\tilde{\\psi}$ were dropped with their argument, $\\vec{x}$ put the arrow first)', () => {
    const cases: [string, string][] = [
      ['The Hamiltonian $\\hat{H}$ and $\\hat H$', 'The Hamiltonian Ĥ and Ĥ'],
      ['$\\tilde{\\rho}$, $\\dot{q}$, $\\ddot{x}$, $\\check{c}$, $\\breve{a}$, $\\acute{e}$, $\\grave{a}$', 'ρ̃, q̇, ẍ, č, ă, é, à'],
      ['$\\vec{x}$, $\\bar x_1$, $\\mathring{A}$, $\\underline{x}$', 'x⃗, x̄₁, Å, x̲'],
      ['$\\widehat{AB}$ and $\\hat{\\mathbf{x}}$', 'ÂB̂ and x̂'],
      // Underlined words are emphasis: the words alone.
      ['\\underline{Very} good', 'Very good'],
    ];
    convertsEach(cases);
  });
});

describe('texToText of words and degrees in math', () => {
  it('regression: keeps the spaces of words in math and reads ^{\\circ} as degrees ($\\textit{Merge to Mix}$ became "MergetoMix", 300$^{\\circ}$C "300∘C")', () => {
    const cases: [string, string][] = [
      ['$\\textit{Merge to Mix}$: a study', 'Merge to Mix: a study'],
      ['$\\text{ for all } x$, $\\mbox{two words}$, $\\textbf{bold~words}$', 'for all x, two words, bold words'],
      ['[$\\mathrm{Fe II}$] lines', '[Fe II] lines'],
      ['$\\mathit{de novo}$ and $\\mathit{in~vivo}$', 'de novo and in vivo'],
      ['at 300$^{\\circ}$C, 90$^\\circ$ and ${}^{\\circ}$F', 'at 300°C, 90° and °F'],
      ['$\\mathrm{10^{\\circ}C}$', '10°C'],
      // The ring operator itself stays one.
      ['$f \\circ g$', 'f∘g'],
    ];
    convertsEach(cases);
  });
});

describe('texToText of escaped underscores in math', () => {
  it('regression: keeps an escaped underscore in math and the letter after it ($\\operatorname{DIV2K\\_LSDIR\\_valid}$ became "DIV2KLSDIRalid", $a\\_b$ "ab")', () => {
    const cases: [string, string][] = [
      ['on $\\operatorname{DIV2K\\_LSDIR\\_valid}$', 'on DIV2K_LSDIR_valid'],
      ['$a\\_b$, $\\texttt{vit\\_base\\_patch16}$ and $no\\_repeat\\_ngram\\_size$', 'a_b, vit_base_patch16 and no_repeat_ngram_size'],
      // A subscript beside it is still one.
      ['$x_i\\_s$ and $\\theta_{S\\_c}$', 'xᵢ_s and θS_c'],
    ];
    convertsEach(cases);
  });
});

describe('texToText of a bare percent sign', () => {
  it('regression: keeps a bare % and the text after it, as the path without the library does ("$x$ and 50% more" became "x and 50": the library read a comment)', () => {
    const cases: [string, string][] = [
      ['$\\alpha$ rose by 50% in a year', 'α rose by 50% in a year'],
      ['by $\\textbf{16.3%}$ and \\emph{35.2%} in FID', 'by 16.3% and 35.2% in FID'],
      ['escaped 5\\% and bare 5% with \\emph{x}', 'escaped 5% and bare 5% with x'],
    ];
    convertsEach(cases);
  });

  it('regression: keeps a bare % in a link as it is ("\\url{https://host/a%20b}" read as "https://host/a\\%20b", the sign escaped for the library and kept escaped)', () => {
    const cases: [string, string][] = [
      ['see \\url{https://host/a%20b} for $x$', 'see https://host/a%20b for x'],
      ['at \\href{https://host/a%20b}{the site}, 5% more', 'at the site, 5% more'],
    ];
    convertsEach(cases);
  });
});

describe('texToText of operator names', () => {
  it('regression: keeps every operator name LaTeX defines as its word ($\\tanh$ activations became " activations", $\\arccos x$ "x")', () => {
    convertsEach([
      ['$\\tanh$ activations, $\\arccos x$, $\\sinh x$, $\\cosh x$ and $\\coth$', 'tanh activations, arccos x, sinh x, cosh x and coth'],
      ...['limsup', 'liminf', 'arcsin', 'arctan', 'cot', 'sec', 'csc', 'lg', 'hom'].map((name): [string, string] => [`$\\${name} x$`, `${name} x`]),
    ]);
  });
});

describe('texToText of math between \\( \\), \\[ \\] and $$', () => {
  it('regression: keeps display math and reads \\(…\\) as $…$ is read ("we propose the PDE \\[ … \\] where" lost the equation, \\(a\\_b\\) became "ab")', () => {
    convertsEach([
      ['we propose the PDE: \\[\n-\\text{div}(D) + \\lambda(t) = \\Phi \\]\nwhere $D$', 'we propose the PDE: -div(D)+λ(t)=Φ where D'],
      ['at $$x^2$$ and \\[ y_i \\] and \\(a\\_b\\) or \\(f_i(x)\\)', 'at x² and yᵢ and a_b or fᵢ(x)'],
      // Adjacent inline math, an escaped dollar and a line break with its spacing are not display math.
      ['speedups of $2.16\\times$$\\sim$$2.50\\times$ over', 'speedups of 2.16×∼2.50× over'],
      ['costs \\$5 and \\$6 $x$', 'costs $5 and $6 x'],
    ]);
  });
});

describe('texToText of operator names beside punctuation', () => {
  it('regression: spaces an operator name as TeX does, not before punctuation, a bracket or a script ("$\\tanh$-shaped" became "tanh -shaped", "$O(\\log n)$" "O( log n)")', () => {
    convertsEach([
      ['$\\tanh$-shaped, the $\\log$, and $O(\\log n)$ or $\\log(x)$', 'tanh-shaped, the log, and O(log n) or log(x)'],
      ['$n\\log n$, $(n-r)\\log q$, $\\log_2 n$, $\\log\\log n$ and $\\max\\{a,b\\}$', 'n log n, (n-r) log q, log₂n, log log n and max{a,b}'],
    ]);
  });
});

describe('texToText of a lowered infinity', () => {
  it('regression: reads $L_\\infty$ as $L_{\\infty}$ reads (the library gave "L ͚", a space and a combining double ring)', () => {
    convertsEach([['the $L_\\infty$-norm and $\\ell_\\infty$, as $L_{\\infty}$', 'the L∞-norm and ℓ∞, as L∞']]);
  });
});

describe('texToText of the TeX logos', () => {
  it('regression: prints the logos as their names, joined to what follows as TeX joins them (\\BibTeX vanished, "The {\\TeX}book" became "The TeX book", \\TeX-based "TeX -based")', () => {
    const cases: [string, string][] = [
      ["The {\\TeX}book and \\TeX-based, \\TeX's", "The TeXbook and TeX-based, TeX's"],
      ['Tame the BeaST: the B to X of \\BibTeX', 'Tame the BeaST: the B to X of BibTeX'],
      ['\\LaTeXe, \\XeLaTeX, \\LuaTeX{} and \\pdfTeX\\ engines', 'LaTeX2e, XeLaTeX, LuaTeX and pdfTeX engines'],
      // A space after the logo is kept: the words stay apart for search, as the writer meant them.
      ['\\LaTeX and \\TeX typesetting', 'LaTeX and TeX typesetting'],
    ];
    convertsEach(cases);
  });
});

describe('texToText of siunitx', () => {
  it('regression: prints quantities and units (\\SI{10}{\\kelvin} and 5~\\si{\\micro\\metre} vanished: "Measured at 5 and 10")', () => {
    const cases: [string, string][] = [
      ['Measured at 5~\\si{\\micro\\metre} and \\SI{10}{\\kelvin}', 'Measured at 5 \u03bcm and 10 K'],
      ['$\\SI{5}{\\micro\\metre}$ and \\qty{3}{\\kilo\\gram}', '5 \u03bcm and 3 kg'],
      ['\\SI{9.8}{\\metre\\per\\second\\squared}, \\SI[per-mode=symbol]{1}{\\square\\metre}', '9.8 m/s², 1 m²'],
      ['\\SI{20}{\\percent} of it at \\SI{37}{\\degreeCelsius}', '20 % of it at 37 °C'],
      ['\\si{mm.s^{-1}} and \\num{6.02e23} atoms', 'mm s⁻¹ and 6.02e23 atoms'],
    ];
    convertsEach(cases);
  });
});

describe('texToText', () => {
  const cases: [string, string][] = [
    [
      'Schr\\"odinger and G{\\"o}del, Erd\\H{o}s, Dvo\\v{r}\\\'ak, Fran\\c{c}ois, na\\"{\\i}ve, \\ss{}, \\o',
      'Schrödinger and Gödel, Erdős, Dvořák, François, naïve, ß, ø',
    ],
    ['$\\alpha$, $\\beta_2$, $x^{2}$, H$_2$O, $\\leq$ and $\\times$', 'α, β₂, x², H₂O, ≤ and ×'],
    ['$\\mathcal{O}(n \\log n)$ with $\\mathbb{R}^d$', 'O(n log n) with Rᵈ'],
    ['\\textit{in vivo}, \\textbf{bold}, \\textsc{caps}, \\url{https://a.b/c}', 'in vivo, bold, caps, https://a.b/c'],
    ['p < 0.05 but $a<b$ and x > y', 'p < 0.05 but a<b and x > y'],
    ['\\LaTeX{} and \\TeX\\ users, \\cite{key} shows', 'LaTeX and TeX users, key shows'],
    ['\\textless{}tag\\textgreater{} \\textbackslash{} \\textasciitilde{} \\textasciicircum{}', '<tag> \\ ~ ^'],
    // Regression: textcomp's straight quote was dropped ("Dont stop").
    ['Don\\textquotesingle t stop, it\\textquotesingle{}s', "Don't stop, it's"],
    // Regression: textcomp's minus sign was dropped ("from 5 to 3").
    ['from \\textminus{}5 to \\textminus 3', 'from \u22125 to \u22123'],
  ];
  for (const [tex, text] of cases) {
    it(`turns ${JSON.stringify(tex)} into ${JSON.stringify(text)}`, () => assert.equal(texToText(parse, tex), text));
  }

  it('falls back to dropping commands when braces do not balance', () => {
    assert.equal(bracesBalanced('a { b'), false);
    assert.equal(texToText(parse, "Unbalanced { brace and \\'e \\emph{x"), 'Unbalanced brace and e x');
  });
});

describe('textsToText', () => {
  it('converts several strings, simple and not, in order', () => {
    assert.deepEqual(textsToText(parse, ['plain', '$\\alpha$', "Bal\\'azs", '', '\\emph{x} {y']), ['plain', 'α', 'Balázs', '', 'x y']);
  });
});

describe('cleanLibraryText', () => {
  it('removes only the markup the library writes, so text like a<b and c>d survives', () => {
    assert.equal(cleanLibraryText('<i>x</i> <b>y</b> <span class="nocase">z</span> <a href="u">u</a> a<b and c>d'), 'x y z u a<b and c>d');
  });
});
