import { useRef, useState } from 'preact/hooks';
import type { FacetDistribution, FacetStats } from '../facets.js';
import type { SearchState } from '../search-state.js';

type FilterState = Pick<SearchState, 'yearFrom' | 'yearTo' | 'categories' | 'authors'>;

interface FiltersProps {
  state: FilterState;
  onChange: (next: FilterState) => void;
  /** Papers per value among the matches (facets), when the server counted them. */
  distribution?: FacetDistribution;
  stats?: FacetStats;
}

const shownValues = 12;

/** Year range, categories and authors, each value with how many matching papers have it. */
export function Filters({ state, onChange, distribution, stats }: FiltersProps) {
  const summary = useRef<HTMLElement>(null);
  const active = state.yearFrom !== undefined || state.yearTo !== undefined || state.categories.length > 0 || state.authors.length > 0;
  return (
    <aside class="filters" aria-label="Filters">
      <details open={!matchMedia('(max-width: 760px)').matches}>
        <summary ref={summary}>Filters{active ? ' (on)' : ''}</summary>
        <fieldset class="year-range">
          <legend>Year</legend>
          <label>
            from
            <input
              type="number"
              inputMode="numeric"
              min={0}
              max={9999}
              placeholder={stats?.year ? String(stats.year.min) : ''}
              value={state.yearFrom ?? ''}
              onInput={(event) => completeYear(event.currentTarget.value) && onChange({ ...state, yearFrom: yearValue(event.currentTarget.value) })}
              onChange={(event) => onChange({ ...state, yearFrom: yearValue(event.currentTarget.value) })}
            />
          </label>
          <label>
            to
            <input
              type="number"
              inputMode="numeric"
              min={0}
              max={9999}
              placeholder={stats?.year ? String(stats.year.max) : ''}
              value={state.yearTo ?? ''}
              onInput={(event) => completeYear(event.currentTarget.value) && onChange({ ...state, yearTo: yearValue(event.currentTarget.value) })}
              onChange={(event) => onChange({ ...state, yearTo: yearValue(event.currentTarget.value) })}
            />
          </label>
          {/* No matches count no year: an empty chart has nothing to draw or say. */}
          {distribution?.year && Object.keys(distribution.year).length > 0 && <YearBars counts={distribution.year} />}
        </fieldset>
        <ValueList
          legend="Categories"
          counts={distribution?.categories}
          selected={state.categories}
          onChange={(categories) => onChange({ ...state, categories })}
        />
        <ValueList legend="Authors" counts={distribution?.authors} selected={state.authors} onChange={(authors) => onChange({ ...state, authors })} />
        {active && (
          <button
            type="button"
            class="link-button"
            onClick={() => {
              // The button goes with the filters it clears: the focus would fall to the page's body, and a
              // keyboard user start again from the top. It stays in the panel, on its heading.
              summary.current?.focus();
              onChange({ yearFrom: undefined, yearTo: undefined, categories: [], authors: [] });
            }}
          >
            Clear filters
          </button>
        )}
      </details>
    </aside>
  );
}

function ValueList({
  legend,
  counts,
  selected,
  onChange,
}: {
  legend: string;
  counts: Record<string, number> | undefined;
  selected: readonly string[];
  onChange: (values: string[]) => void;
}) {
  const ranked = Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const values = [
    ...selected.filter((value) => !ranked.some(([name]) => name === value)).map((value) => [value, undefined] as const),
    ...ranked.slice(0, shownValues),
  ];
  // One Tab stop per list, the arrow keys within it (as in a toolbar): the two lists of up to 12
  // boxes each took 24 Tabs on the way from the search box to the results. The stop is the box
  // last moved to, found by its value, as the list re-orders when its counts change.
  const [current, setCurrent] = useState<string>();
  const boxes = useRef<HTMLFieldSetElement>(null);
  if (values.length === 0) return null;
  const stop = values.some(([value]) => value === current) ? current : values[0]![0];
  const moveFocus = (event: KeyboardEvent) => {
    const at = values.findIndex(([value]) => value === stop);
    const to = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: values.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = Math.min(Math.max(to, 0), values.length - 1);
    setCurrent(values[next]![0]);
    boxes.current?.querySelectorAll('input')[next]?.focus();
  };
  const hintId = `${legend.toLowerCase()}-keys`;
  return (
    <fieldset class="values" ref={boxes} onKeyDown={moveFocus} aria-describedby={hintId}>
      <legend>{legend}</legend>
      <span id={hintId} class="visually-hidden">
        Arrow keys move between the values.
      </span>
      {values.map(([value, count]) => (
        <label key={value}>
          <input
            type="checkbox"
            tabIndex={value === stop ? 0 : -1}
            checked={selected.includes(value)}
            onFocus={() => setCurrent(value)}
            onChange={(event) => onChange(event.currentTarget.checked ? [...selected, value] : selected.filter((other) => other !== value))}
          />
          {/* A long name is cut to the panel's width: the whole of it on hover. */}
          <span class="value-name" title={value}>
            {value}
          </span>
          {count !== undefined && <span class="count">{count}</span>}
        </label>
      ))}
    </fieldset>
  );
}

/** Papers per year as a small bar chart (the counts are also in its text alternative). */
function YearBars({ counts }: { counts: Record<string, number> }) {
  const years = Object.entries(counts).sort((a, b) => Number(a[0]) - Number(b[0]));
  const max = Math.max(...years.map(([, count]) => count));
  return (
    <>
      <div class="year-bars" role="img" aria-label={years.map(([year, count]) => `${year}: ${count}`).join(', ')}>
        {years.map(([year, count]) => (
          <span key={year} class="bar" style={{ height: `${Math.max(8, (count / max) * 100)}%` }} title={`${year}: ${count}`} />
        ))}
      </div>
      {/* The span the bars cover, readable without hovering each (the chart's text alternative has every year). */}
      <p class="year-span" aria-hidden="true">
        <span>{years[0]?.[0]}</span>
        <span>{years.length > 1 ? years.at(-1)?.[0] : ''}</span>
      </p>
    </>
  );
}

function yearValue(text: string): number | undefined {
  return /^\d{1,4}$/.test(text.trim()) ? Number(text) : undefined;
}

/**
 * Whether a year box's text is worth searching for as it is typed: four digits, or nothing. "20"
 * on the way to "2024" is not; it applies on Enter or leaving the box, as any value does.
 */
function completeYear(text: string): boolean {
  return text === '' || /^\d{4}$/.test(text);
}
