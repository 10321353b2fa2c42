import { useEffect } from 'preact/hooks';
import { navigate, onLinkClick, routeOf, useLocation } from './router.js';
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
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || target.closest('input, textarea, select, [contenteditable]')) return;
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
  useEffect(() => {
    if (route.view !== 'paper') document.title = route.view === 'search' && search.get('q') ? `${search.get('q')} · paper-search` : 'paper-search';
  }, [pathname, search.get('q')]);

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
        {route.view === 'paper' && <PaperView id={route.id} />}
        {route.view === 'missing' && (
          <p class="notice">
            There is no such page. <a href="/">Search papers</a>.
          </p>
        )}
      </main>
    </>
  );
}
