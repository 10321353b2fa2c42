import { useEffect } from 'preact/hooks';
import { Announcer } from './announcer.js';
import { navigate, onLinkClick, routeOf, useLocation } from './router.js';
import { parseSearchState } from './search-state.js';
import { MapView } from './views/map-view.js';
import { PaperView } from './views/paper-view.js';
import { SearchView } from './views/search-view.js';
import { SimilarView } from './views/similar-view.js';

const views = [
  { path: '/', label: 'Search' },
  { path: '/similar', label: 'Paste an abstract' },
  { path: '/map', label: 'Map' },
];

export function App() {
  const { pathname, search } = useLocation();
  const route = routeOf(pathname);
  useEffect(() => {
    document.addEventListener('click', onLinkClick);
    // "/" focuses the search box, as on many search pages; from another view it opens the search page.
    const slash = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || takesText(target)) return;
      event.preventDefault();
      const box = document.getElementById('query');
      if (box) {
        box.focus();
        return;
      }
      navigate('/');
      requestAnimationFrame(() => document.getElementById('query')?.focus());
    };
    document.addEventListener('keydown', slash);
    return () => {
      document.removeEventListener('click', onLinkClick);
      document.removeEventListener('keydown', slash);
    };
  }, []);
  // The query as the search view reads it: blanks are none, and the spaces around it are not part of it.
  const query = route.view === 'search' ? parseSearchState(search).q : '';
  useEffect(() => {
    if (route.view !== 'paper') document.title = viewTitle(route.view, query);
  }, [pathname, query]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          paper-search
        </a>
        <nav aria-label="Views">
          {views.map((view) => (
            <a key={view.path} href={view.path} aria-current={route.view === routeOf(view.path).view ? 'page' : undefined}>
              {view.label}
            </a>
          ))}
          <a href="/docs">API</a>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === 'search' && <SearchView params={search} />}
        {route.view === 'similar' && <SimilarView />}
        {route.view === 'map' && <MapView />}
        {route.view === 'paper' && <PaperView id={route.id} params={search} />}
        {route.view === 'missing' && (
          <>
            <h1>No such page</h1>
            <p class="notice">
              There is no such page. <a href="/">Search papers</a>.
            </p>
          </>
        )}
      </main>
      <Announcer />
    </>
  );
}

/** The tab's title for a view other than a paper's (a paper's page names the paper). */
function viewTitle(view: 'search' | 'similar' | 'map' | 'missing', query: string): string {
  const name = view === 'search' ? query : { similar: 'Paste an abstract', map: 'Map', missing: 'No such page' }[view];
  return name ? `${name} · paper-search` : 'paper-search';
}

/**
 * Whether a key typed into `target` is text (a text box, a text area, an editable element): there "/"
 * is a character. A select or a checkbox takes no "/", and in a select the key would pick an option.
 */
function takesText(target: HTMLElement): boolean {
  if (target.closest('textarea, [contenteditable]:not([contenteditable="false"])')) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(target.type);
}
