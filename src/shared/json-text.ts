/**
 * Where the JSON string literal opened by the quote at `opening` closes (the first quote not
 * escaped), or −1: a field can then be read or spliced out of encoded JSON without parsing it.
 */
export function closingQuote(bytes: Uint8Array, opening: number): number {
  let at = opening;
  for (;;) {
    at = bytes.indexOf(0x22, at + 1);
    if (at === -1) return -1;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
