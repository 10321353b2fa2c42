// The page's math typesetter, in a chunk of its own that TexText loads when a text has math.
import 'katex/dist/katex.min.css';

export { renderToString } from 'katex';
