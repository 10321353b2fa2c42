const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'", '&nbsp;': ' ' };

/**
 * Titles and abstracts that came through Crossref (OpenAlex's) or a reference manager's CSL-JSON
 * (Zotero's rich text) carry JATS/HTML inline markup and entities: the text without them.
 */
export function htmlToText(value: string): string {
  return value
    .replace(/<\/?(?:i|b|em|strong|sub|sup|scp|sc|span|p|br|u|mml:[a-z]+|jats:[a-z]+)(?:\s[^<>]*)?\/?>/gi, '')
    .replace(/&(?:amp|lt|gt|quot|#39|apos|nbsp);/g, (entity) => entities[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}
