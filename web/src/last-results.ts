/** The latest list of results the person saw, so the map can highlight it (kept for the tab's session). */
export interface LastResults {
  label: string;
  ids: string[];
}

const storageKey = 'paper-search:last-results';

export function rememberResults(results: LastResults): void {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(results));
  } catch {
    // Storage can be full or disabled; the map then highlights nothing.
  }
}

export function lastResults(): LastResults | undefined {
  try {
    const text = sessionStorage.getItem(storageKey);
    return text ? (JSON.parse(text) as LastResults) : undefined;
  } catch {
    return undefined;
  }
}
