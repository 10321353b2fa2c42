/** Letters of the scripts written right to left (Unicode's bidirectional class R or AL). */
const rightToLeftLetter =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}\p{Script=Samaritan}\p{Script=Mandaic}]/u;

/**
 * The direction of a paragraph of a paper's text, by its first letter, as dir="auto" would
 * decide it. dir="auto" itself cannot: it skips text inside a <bdi>, and the page shows each
 * paper text in one (see TexText), so an Arabic abstract was a left-to-right paragraph, aligned
 * and wrapped from the left.
 */
export function textDirection(text: string | undefined): 'rtl' | 'ltr' {
  const firstLetter = /\p{L}/u.exec(text ?? '')?.[0];
  return firstLetter !== undefined && rightToLeftLetter.test(firstLetter) ? 'rtl' : 'ltr';
}
