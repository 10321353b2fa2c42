/** "1 paper", "20 papers", "1,024 papers". */
export function papersCount(count: number): string {
  return `${count.toLocaleString('en')} ${count === 1 ? 'paper' : 'papers'}`;
}
