/**
 * siunitx's quantities and units (`\SI{10}{\kelvin}`, `\si{\micro\metre}`, `\qty`, `\unit`, `\num`)
 * as the text they print. The BibTeX library knows none of them and dropped each with its
 * arguments: "Measured at 5~\si{\micro\metre}" became "Measured at 5".
 */

const prefixes: Record<string, string> = {
  yocto: 'y',
  zepto: 'z',
  atto: 'a',
  femto: 'f',
  pico: 'p',
  nano: 'n',
  // The Greek letter, as $\mu$ gives it: what a search types.
  micro: '\u03bc',
  milli: 'm',
  centi: 'c',
  deci: 'd',
  deca: 'da',
  deka: 'da',
  hecto: 'h',
  kilo: 'k',
  mega: 'M',
  giga: 'G',
  tera: 'T',
  peta: 'P',
  exa: 'E',
  kibi: 'Ki',
  mebi: 'Mi',
  gibi: 'Gi',
};

const units: Record<string, string> = {
  metre: 'm',
  meter: 'm',
  second: 's',
  gram: 'g',
  kilogram: 'kg',
  ampere: 'A',
  kelvin: 'K',
  mole: 'mol',
  candela: 'cd',
  hertz: 'Hz',
  newton: 'N',
  pascal: 'Pa',
  joule: 'J',
  watt: 'W',
  coulomb: 'C',
  volt: 'V',
  farad: 'F',
  ohm: 'Ω',
  siemens: 'S',
  weber: 'Wb',
  tesla: 'T',
  henry: 'H',
  lumen: 'lm',
  lux: 'lx',
  becquerel: 'Bq',
  gray: 'Gy',
  sievert: 'Sv',
  katal: 'kat',
  radian: 'rad',
  steradian: 'sr',
  degreeCelsius: '°C',
  celsius: '°C',
  degree: '°',
  arcminute: '′',
  arcsecond: '″',
  // Escaped: the result is still TeX, where % starts a comment.
  percent: '\\%',
  minute: 'min',
  hour: 'h',
  day: 'd',
  litre: 'L',
  liter: 'L',
  tonne: 't',
  electronvolt: 'eV',
  dalton: 'Da',
  atomicmassunit: 'u',
  angstrom: 'Å',
  bar: 'bar',
  barn: 'b',
  bel: 'B',
  decibel: 'dB',
  neper: 'Np',
  molar: 'M',
  byte: 'B',
  bit: 'bit',
  astronomicalunit: 'au',
  parsec: 'pc',
  lightyear: 'ly',
  gauss: 'G',
  torr: 'Torr',
  mmHg: 'mmHg',
  ppm: 'ppm',
};

const powers: Record<string, string> = { squared: '²', cubed: '³' };

/** TeX's control space: a space in math too, where the library drops plain ones. */
const space = '\\ ';

/** One siunitx unit argument as text: `\kilo\gram\metre\per\second\squared` → kg m/s². */
function unitText(argument: string): string {
  let text = '';
  let pendingPrefix = '';
  let powerBefore = '';
  let separate = false;
  const append = (symbol: string) => {
    text += `${separate && text && !text.endsWith('/') ? space : ''}${symbol}`;
    separate = true;
  };
  for (const [, command, literal] of argument.matchAll(/\\([A-Za-z]+)\s*(?:\{\s*\})?|([^\\]+)/g)) {
    if (literal !== undefined) {
      // A unit written out (`\si{mm.s^{-1}}`): its dots and tildes are spaces, its braces dropped.
      const written = literal
        .replace(/[{}]/g, '')
        .replace(/[.~]/g, space)
        .replace(/\^(-?\d+)/g, (_match, power: string) => power.replace(/./g, (digit) => superscripts[digit] ?? digit))
        .trim();
      if (written) append(written);
    } else if (command! in prefixes) pendingPrefix += prefixes[command!];
    else if (command! in units) {
      append(`${pendingPrefix}${units[command!]}${powerBefore}`);
      pendingPrefix = '';
      powerBefore = '';
    } else if (command === 'per') {
      text += '/';
      separate = false;
    } else if (command! in powers) text += powers[command!];
    else if (command === 'square' || command === 'cubic') powerBefore = command === 'square' ? '²' : '³';
  }
  return text;
}

const superscripts: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** An argument of up to two levels of nested braces. */
const braced = String.raw`\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}`;
// Options hold no bracket: `[^\]]*` ran on past every later `\SI[` (quadratic on a hostile text).
const optional = String.raw`(?:\s*\[[^\][]*\])?`;
const quantity = new RegExp(String.raw`\\(?:SI|qty)${optional}\s*${braced}${optional}\s*${braced}`, 'g');
const unitOnly = new RegExp(String.raw`\\(?:si|unit)${optional}\s*${braced}`, 'g');
const numberOnly = new RegExp(String.raw`\\num${optional}\s*${braced}`, 'g');

/** `tex` with siunitx's commands replaced by the text they print; other TeX is left for the library. */
export function resolveSiunitx(tex: string): string {
  if (!/\\(?:SI|si|qty|unit|num)\b/.test(tex)) return tex;
  return tex
    .replace(quantity, (_match, value: string, unit: string) => [value.trim(), unitText(unit)].filter(Boolean).join(space))
    .replace(unitOnly, (_match, unit: string) => unitText(unit))
    .replace(numberOnly, (_match, value: string) => value.trim());
}
