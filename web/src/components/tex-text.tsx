import { useEffect, useState } from 'preact/hooks';
import { hasMath, textPieces } from '../tex-math.js';

type Typesetter = typeof import('../katex-typesetter.js');

let typesetter: Promise<Typesetter> | undefined;

/** KaTeX and its style sheet, fetched the first time a text with math is shown: most pages have none. */
function loadTypesetter(): Promise<Typesetter> {
  // A failed load (the server restarted with a new build, say) is tried again on the next text.
  typesetter ??= import('../katex-typesetter.js').catch((error: unknown) => {
    typesetter = undefined;
    throw error;
  });
  return typesetter;
}

/**
 * A title or abstract with its TeX math typeset (KaTeX, as arXiv's listings do with MathJax); as
 * written until KaTeX has loaded, and for any formula KaTeX cannot read.
 */
export function TexText({ text }: { text: string }) {
  const withMath = hasMath(text);
  const [katex, setKatex] = useState<Typesetter>();
  useEffect(() => {
    if (!withMath || katex) return;
    let shown = true;
    void loadTypesetter().then(
      (loaded) => shown && setKatex(() => loaded),
      // Not loaded (offline page, blocked asset): the text stays as written.
      () => undefined,
    );
    return () => {
      shown = false;
    };
  }, [withMath, katex]);
  // In a <bdi>: a direction override in the text (U+202E) ends with it, not with the line or page.
  if (!withMath || !katex) return <bdi>{text}</bdi>;
  return (
    <bdi>
      {textPieces(text).map((piece, i) => {
        if ('text' in piece) return piece.text;
        const html = typeset(katex, piece.tex, piece.display);
        return html === undefined ? piece.source : <span key={i} class="math" dangerouslySetInnerHTML={{ __html: html }} />;
      })}
    </bdi>
  );
}

function typeset(katex: Typesetter, tex: string, display: boolean): string | undefined {
  try {
    // trust false: no \href, \url, \includegraphics or raw HTML from a paper's text; the limits
    // keep a hostile formula from growing the page (a \rule or space is at most 5 em, about a
    // word's width) or looping in macros.
    return wrappableText(
      katex.renderToString(tex, {
        displayMode: display,
        throwOnError: true,
        trust: false,
        strict: 'ignore',
        maxSize: 5,
        maxExpand: 200,
        output: 'htmlAndMathml',
        // What KaTeX cannot typeset (an untrusted \href) in the page's error colour: its own red read 3.2:1 on the dark background.
        errorColor: 'var(--error-fg)',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * KaTeX writes the spaces of text in math (`$\textbf{Object-Centric Classification with Applied
 * Masks}$`, as arXiv authors bold a phrase) as no-break spaces, so a phrase set so was one unbreakable
 * line: 544 px wide on a 375 px phone. Its visible copy gets plain spaces, where a line may break
 * (the style sheet lets its boxes wrap); a `~`, written to keep two things together, keeps its no-break space.
 */
function wrappableText(html: string): string {
  const visible = html.indexOf('<span class="katex-html"');
  if (visible < 0) return html;
  return html.slice(0, visible) + html.slice(visible).replace(/(<span class="mspace nobreak">)?\u00a0/g, (space, nobreak?: string) => (nobreak ? space : ' '));
}
