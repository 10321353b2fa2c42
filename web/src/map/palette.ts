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
const other: readonly [number, number, number] = [150, 150, 150];

export const colouredGroups = colours.length;

export function groupColour(rank: number): readonly [number, number, number] {
  return colours[rank] ?? other;
}

export function cssColour(rank: number): string {
  const [r, g, b] = groupColour(rank);
  return `rgb(${r} ${g} ${b})`;
}
