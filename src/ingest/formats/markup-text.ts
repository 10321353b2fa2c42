const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Titles and abstracts that came through Crossref (OpenAlex's) or a reference manager's CSL-JSON
 * (Zotero's rich text) carry JATS/HTML inline markup and entities: the text without them.
 */
export function htmlToText(value: string): string {
  return (
    value
      .replace(/<\/?(?:i|b|em|strong|sub|sup|scp|sc|span|p|br|u|mml:[a-z]+|jats:[a-z]+)(?:\s[^<>]*)?\/?>/gi, '')
      // In one pass, so that "&amp;#39;" stays the text "&#39;": the named entities, and numeric
      // references (&#8217; &#x2013;), as Crossref and Zotero write any other character.
      .replace(/&(?:(amp|lt|gt|quot|apos|nbsp)|#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7}));/g, (reference, name?: string, hex?: string, decimal?: string) => {
        if (name !== undefined) return entities[name]!;
        const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
        return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : reference;
      })
      .replace(/\s+/g, ' ')
      .trim()
  );
}
