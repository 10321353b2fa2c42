import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type PaperResponse } from '../api.js';
import { ErrorNotice } from '../components/notice.js';
import { TexText } from '../components/tex-text.js';
import { lastResults } from '../last-results.js';
import { papersCount } from '../counts.js';
import { loadMap } from '../map/map-api.js';
import { indexById, type MapData } from '../map/map-data.js';
import { cssColour, grey, groupColours } from '../map/palette.js';
import { ScatterPlot } from '../map/scatter-plot.js';
import { navigate, paperPath } from '../router.js';
import { useRequest } from '../use-request.js';

interface Hover {
  index: number;
  x: number;
  y: number;
  title?: string;
}

/** The map of the collection (GET /v1/map): coloured by primary category, hover for a title, click to open the paper, the latest results ringed. */
export function MapView() {
  const [building, setBuilding] = useState(false);
  const map = useRequest<MapData>('map', (signal) => loadMap(signal, () => setBuilding(true)));
  const canvas = useRef<HTMLCanvasElement>(null);
  const plot = useRef<ScatterPlot | undefined>(undefined);
  const titles = useRef(new Map<string, string>());
  const [hover, setHover] = useState<Hover | undefined>();
  const tooltip = useRef<HTMLDivElement>(null);
  // Centred over the paper, but kept inside the map: placed by its centre, a tooltip near the map's
  // right edge had only the width left of it there, and a long title ran up the page a few letters a line.
  useLayoutEffect(() => {
    const box = tooltip.current;
    if (!box || !hover) return;
    const room = box.parentElement!.clientWidth;
    box.style.left = `${Math.min(Math.max(hover.x - box.offsetWidth / 2, 0), room - box.offsetWidth)}px`;
  });
  const results = lastResults();

  useEffect(() => {
    const data = map.data;
    if (!data || !canvas.current) return;
    let hoverTimer = 0;
    const instance = new ScatterPlot(canvas.current, data, {
      onHover: (index, at) => {
        window.clearTimeout(hoverTimer);
        if (index < 0) return setHover(undefined);
        const id = data.ids[index]!;
        setHover({ index, x: at.x, y: at.y, title: titles.current.get(id) });
        if (titles.current.has(id)) return;
        hoverTimer = window.setTimeout(() => {
          api<PaperResponse>(`/v1/papers/${encodeURIComponent(id)}?fields=title`).then(
            ({ paper }) => {
              titles.current.set(id, paper.title || paper.id);
              setHover((current) => (current?.index === index ? { ...current, title: titles.current.get(id) } : current));
            },
            () => undefined,
          );
        }, 60);
      },
      onSelect: (index) => navigate(paperPath(data.ids[index]!)),
    });
    plot.current = instance;
    if (results) {
      const byId = indexById(data);
      instance.highlight(results.ids.map((id) => byId.get(id)).filter((index): index is number => index !== undefined));
    }
    // For the browser tests (and the console): where a point is drawn, how long a draw takes.
    (window as unknown as { paperSearchMap?: ScatterPlot }).paperSearchMap = instance;
    return () => {
      window.clearTimeout(hoverTimer);
      instance.destroy();
    };
  }, [map.data]);

  return (
    <div class="map-view">
      <h1>Map of the collection</h1>
      <p class="hint">
        Each dot is a paper, placed near papers with similar abstracts and coloured by its primary category. Hover for its title and click to open it (on a
        touch screen, tap for its title and tap again to open it); drag or use the arrow keys to move, the wheel, a pinch or + and − to zoom, 0 to reset. With
        the keyboard, the paper nearest the centre is named, and Enter opens it.
        {results && results.ids.length > 0 && (
          <>
            {' '}
            Ringed: {results.ids.length === 1 ? 'the paper' : `the ${papersCount(results.ids.length)}`} of your latest results ({results.label}).
          </>
        )}
      </p>
      {map.error && <ErrorNotice message={map.error} onRetry={map.retry} />}
      {map.loading &&
        (building ? (
          <p class="status" role="status">
            The map is being prepared: the server is placing every paper by its abstract, which takes a while the first time. It appears here when it is ready.
          </p>
        ) : (
          <p class="status">Loading the map…</p>
        ))}
      <div class="map-frame" hidden={!map.data}>
        <canvas
          ref={canvas}
          class="map-canvas"
          tabIndex={0}
          role="img"
          aria-label={map.data ? `Map of ${map.data.ids.length.toLocaleString('en')} papers by topic` : 'Map of the collection'}
        />
        {hover && (
          <div class="map-tooltip" ref={tooltip} style={{ top: `${hover.y}px` }} role="status">
            {hover.title ? <TexText text={hover.title} /> : map.data?.ids[hover.index]}
            <span class="tooltip-group">{map.data ? map.data.groups[map.data.group[hover.index]!]?.name : ''}</span>
          </div>
        )}
        <div class="map-zoom">
          <button type="button" aria-label="Zoom in" onClick={() => plot.current?.zoomAt(1.5)}>
            +
          </button>
          <button type="button" aria-label="Zoom out" onClick={() => plot.current?.zoomAt(1 / 1.5)}>
            −
          </button>
          <button type="button" onClick={() => plot.current?.reset()}>
            Reset
          </button>
        </div>
      </div>
      {map.data && <Legend data={map.data} />}
    </div>
  );
}

/** The coloured groups, then all the grey ones ("other", and the groups past the palette) as one entry. */
function Legend({ data }: { data: MapData }) {
  const colours = groupColours(data.groups.map((group) => group.name));
  const coloured = data.groups.map((group, index) => ({ ...group, colour: colours[index]! })).filter((group) => group.colour !== grey);
  const rest = data.ids.length - coloured.reduce((sum, group) => sum + group.count, 0);
  return (
    <ul class="legend" aria-label="Primary categories">
      {coloured.map((group) => (
        <li key={group.name}>
          <span class="swatch" style={{ background: cssColour(group.colour) }} aria-hidden="true" />
          {group.name} <span class="count">{group.count.toLocaleString('en')}</span>
        </li>
      ))}
      {rest > 0 && (
        <li>
          <span class="swatch" style={{ background: cssColour(grey) }} aria-hidden="true" />
          other <span class="count">{rest.toLocaleString('en')}</span>
        </li>
      )}
    </ul>
  );
}
