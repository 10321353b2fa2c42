/**
 * Text as one line: every run of white space, line breaks included, becomes one space. Stored
 * titles and abstracts keep their source's hard wrapping (arXiv breaks lines every 80 columns),
 * which reference managers would show as line breaks.
 */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
