import { decodeHTMLStrict } from 'entities';

/**
 * Titles and abstracts that came through Crossref (OpenAlex's) or a reference manager's CSL-JSON
 * (Zotero's rich text) carry JATS/HTML inline markup and entities: the text without them.
 */
const inlineTag =
  /<\/?(?:i|b|em|strong|sub|sup|scp|sc|span|u|mml:[a-z-]+|jats:(?:italic|bold|sub|sup|sc|underline|monospace|inline-formula|styled-content|named-content|ext-link|xref))(?:\s[^<>]*)?\/?>/gi;
const blockTag = /<\/?(?:p|br|div|li|ul|ol|h[1-6]|jats:[a-z-]+)(?:\s[^<>]*)?\/?>/gi;

export function htmlToText(value: string): string {
  return (
    value
      // Inline markup goes without a trace ("H<sub>2</sub>O" is H2O); a block (a paragraph, a
      // section title, a line break) ends a word: "<jats:title>Methods</jats:title><jats:p>We" is
      // "Methods We", not "MethodsWe", which no search for "methods" would find.
      .replace(inlineTag, '')
      .replace(blockTag, ' ')
      // HTML's named entities (&deg; &ndash;, not just &amp;) and numeric references (&#8217;),
      // as Crossref and Zotero write characters, in one pass, so that "&amp;#39;" stays the text
      // "&#39;"; the `entities` package (parse5's and cheerio's decoder) knows every HTML5 name, and
      // strictly, only with their semicolon ("&notation" is no "¬ation").
      .replace(/&(?:#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7})|[A-Za-z][A-Za-z0-9]*);/g, (reference, hex?: string, decimal?: string) => {
        if (hex === undefined && decimal === undefined) return decodeHTMLStrict(reference);
        // No character, or half of one: kept as written (HTML would put U+FFFD in its place).
        const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
        return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : reference;
      })
      .replace(/\s+/g, ' ')
      .trim()
  );
}
