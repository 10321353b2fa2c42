/** A run of a title or abstract: plain text, or TeX math to typeset. */
export type TextPiece = { text: string } | { tex: string; display: boolean; source: string };

/** Longer "math" is more likely two stray dollar signs than a formula, and would cost the page to typeset. */
const longestMath = 600;

/**
 * The math of a text as arXiv authors write it: `$…$` and `\(…\)` inline, `$$…$$` and `\[…\]`
 * displayed. A `$` opens math only before a non-space and closes it only after one, and not
 * before a digit (Pandoc's rule), so prices ("$5 and $10") stay text; `\$` is a dollar sign.
 * Math left open, empty, over a blank line or too long stays text as written.
 */
export function textPieces(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const math of mathSpans(text)) {
    if (math.start > at) pieces.push({ text: dollarSigns(text.slice(at, math.start)) });
    pieces.push({ tex: math.tex, display: math.display, source: text.slice(math.start, math.end) });
    at = math.end;
  }
  if (at < text.length) pieces.push({ text: dollarSigns(text.slice(at)) });
  return pieces;
}

/** Whether `text` has any math to typeset (most titles and abstracts have none). */
export function hasMath(text: string): boolean {
  return /[$\\]/.test(text) && mathSpans(text).length > 0;
}

/**
 * `position` moved out of any math around it: to the math's start (`toward` 'start') or past its
 * end ('end'), so that cutting a text there never leaves half a formula.
 */
export function outsideMath(text: string, position: number, toward: 'start' | 'end'): number {
  const around = mathSpans(text).find((math) => position > math.start && position < math.end);
  if (!around) return position;
  return toward === 'start' ? around.start : around.end;
}

interface MathSpan {
  start: number;
  end: number;
  tex: string;
  display: boolean;
}

function mathSpans(text: string): MathSpan[] {
  const spans: MathSpan[] = [];
  let at = 0;
  while (at < text.length) {
    const math = mathAt(text, at);
    if (math) {
      spans.push({ start: at, ...math });
      at = math.end;
    } else at += text.startsWith('\\$', at) ? 2 : 1;
  }
  return spans;
}

function dollarSigns(text: string): string {
  return text.replaceAll('\\$', '$');
}

function mathAt(text: string, at: number): { tex: string; display: boolean; end: number } | undefined {
  if (text.startsWith('$$', at)) return delimited(text, at, '$$', '$$', true);
  if (text[at] === '$') {
    const math = delimited(text, at, '$', '$', false);
    if (!math || /\s/.test(text[at + 1] ?? '') || /\s/.test(text[math.end - 2] ?? '') || /\d/.test(text[math.end] ?? '')) return undefined;
    return math;
  }
  if (text.startsWith('\\(', at)) return delimited(text, at, '\\(', '\\)', false);
  if (text.startsWith('\\[', at)) return delimited(text, at, '\\[', '\\]', true);
  return undefined;
}

function delimited(text: string, at: number, open: string, close: string, display: boolean): { tex: string; display: boolean; end: number } | undefined {
  const start = at + open.length;
  // Looked for within reach only, so a text of many unclosed `\(` costs no more than its length.
  const reach = text.slice(start, start + longestMath + close.length);
  let end = reach.indexOf(close);
  // A closing `$` written `\$` is a dollar sign inside the math.
  while (end > 0 && close === '$' && reach[end - 1] === '\\') end = reach.indexOf(close, end + 1);
  if (end <= 0 || end > longestMath) return undefined;
  const tex = reach.slice(0, end);
  if (!tex.trim() || /\n\s*\n/.test(tex)) return undefined;
  return { tex, display, end: start + end + close.length };
}
