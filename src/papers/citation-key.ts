/**
 * A BibTeX citation key from a paper id: the characters BibTeX cannot have in a key become "_".
 * The export writes keys so, and the BibTeX reader knows a key so made from the entry's DOI as
 * that DOI (a paper whose id was its DOI keeps it through a round trip).
 */
export function citationKey(id: string): string {
  return id.replace(/[\s,{}"#%'()=\\~]/g, '_');
}
