import { otherGroup } from '../../../src/search/collection-map.js';

/**
 * Colours of the largest groups (the rest share a grey): a qualitative palette readable on light
 * and dark backgrounds, as [r, g, b].
 */
const colours: readonly (readonly [number, number, number])[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [188, 189, 34],
  [23, 190, 207],
  [105, 120, 255],
  [230, 171, 2],
  [102, 166, 30],
];
/** Papers without a category, and the groups past the palette. */
export const grey: readonly [number, number, number] = [150, 150, 150];

/**
 * Each group's colour, groups given largest first: the largest named groups get the palette's
 * colours, "other" and the rest grey.
 */
export function groupColours(names: readonly string[]): (readonly [number, number, number])[] {
  let next = 0;
  return names.map((name) => (name === otherGroup || next >= colours.length ? grey : colours[next++]!));
}

export function cssColour([r, g, b]: readonly [number, number, number]): string {
  return `rgb(${r} ${g} ${b})`;
}
