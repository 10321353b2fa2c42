/**
 * The journals of the AAS macros (AASTeX's aastexNN.cls) that NASA ADS writes in every BibTeX
 * export instead of a name (`journal = {\apjl}`), as their usual abbreviations: a style that
 * does not define the macros drops them, and the venue was lost.
 */
const aasJournals: Readonly<Record<string, string>> = {
  aj: 'AJ',
  actaa: 'Acta Astron.',
  araa: 'ARA&A',
  apj: 'ApJ',
  apjl: 'ApJL',
  apjs: 'ApJS',
  ao: 'Appl. Opt.',
  apss: 'Ap&SS',
  aap: 'A&A',
  aapr: 'A&A Rev.',
  aaps: 'A&AS',
  azh: 'AZh',
  baas: 'BAAS',
  caa: 'Chinese Astron. Astrophys.',
  cjaa: 'Chinese J. Astron. Astrophys.',
  icarus: 'Icarus',
  jcap: 'JCAP',
  jrasc: 'JRASC',
  memras: 'MmRAS',
  mnras: 'MNRAS',
  na: 'New Astron.',
  nar: 'New Astron. Rev.',
  pasa: 'PASA',
  pra: 'Phys. Rev. A',
  prb: 'Phys. Rev. B',
  prc: 'Phys. Rev. C',
  prd: 'Phys. Rev. D',
  pre: 'Phys. Rev. E',
  prl: 'Phys. Rev. Lett.',
  pasp: 'PASP',
  pasj: 'PASJ',
  qjras: 'QJRAS',
  rmxaa: 'Rev. Mexicana Astron. Astrofis.',
  skytel: 'S&T',
  solphys: 'Sol. Phys.',
  sovast: 'Soviet Ast.',
  ssr: 'Space Sci. Rev.',
  zap: 'ZAp',
  nat: 'Nature',
  iaucirc: 'IAU Circ.',
  aplett: 'Astrophys. Lett.',
  apspr: 'Astrophys. Space Phys. Res.',
  bain: 'Bull. Astron. Inst. Netherlands',
  fcp: 'Fund. Cosmic Phys.',
  gca: 'Geochim. Cosmochim. Acta',
  grl: 'Geophys. Res. Lett.',
  jcp: 'J. Chem. Phys.',
  jgr: 'J. Geophys. Res.',
  jqsrt: 'J. Quant. Spectrosc. Radiat. Transfer',
  memsai: 'Mem. Soc. Astron. Italiana',
  nphysa: 'Nucl. Phys. A',
  physrep: 'Phys. Rep.',
  physscr: 'Phys. Scr.',
  planss: 'Planet. Space Sci.',
  procspie: 'Proc. SPIE',
};

/** The journal a field holding one AAS macro (`\apj`, `{\mnras}`) stands for; undefined for anything else. */
export function journalOfMacro(value: string): string | undefined {
  const name = /^\s*\{?\s*\\([a-z]+)\s*(?:\{\s*\})?\s*\}?\s*$/.exec(value)?.[1];
  return name === undefined ? undefined : aasJournals[name];
}
