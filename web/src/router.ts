import { useEffect, useState } from 'preact/hooks';

/** The page's views, each at its own URL so it can be shared, bookmarked and reloaded. */
export type Route = { view: 'search' } | { view: 'similar' } | { view: 'map' } | { view: 'paper'; id: string } | { view: 'missing' };

export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { view: 'search' };
  if (pathname === '/similar') return { view: 'similar' };
  if (pathname === '/map') return { view: 'map' };
  const paper = /^\/paper\/([^/]+)$/.exec(pathname);
  const id = paper?.[1] === undefined ? undefined : decodedSegment(paper[1]);
  return id === undefined ? { view: 'missing' } : { view: 'paper', id };
}

/** A path segment decoded, or undefined when its percent-encoding is broken (/paper/100%). */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function paperPath(id: string): string {
  // A browser resolves the segments . and .. away (/paper/.. is /): such ids keep their dots encoded.
  const segment = id === '.' || id === '..' ? id.replaceAll('.', '%2E') : encodeURIComponent(id);
  return `/paper/${segment}`;
}

const changed = 'paper-search:navigate';

/**
 * Goes to a URL of the page without reloading; `replace` for changes that should not each make a
 * history entry (typing), `keepScroll` for a change of what a part of the view shows (a paper's
 * related papers by another facet), where going to the top would lose the place.
 */
export function navigate(url: string, options: { replace?: boolean; keepScroll?: boolean } = {}): void {
  if (url === location.pathname + location.search) return;
  // Where the page being left was scrolled to, and the link that left it, for Back to return there
  // (see restoreScrollOnBack).
  if (!options.replace) history.replaceState({ scrollY: window.scrollY, focusedLink: focusedLinkHref() }, '');
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(changed));
  if (!options.replace && !options.keepScroll) window.scrollTo(0, 0);
}

/** The current location, re-rendered on navigation and on the browser's back and forward. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((tick) => tick + 1);
    window.addEventListener('popstate', update);
    window.addEventListener(changed, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(changed, update);
    };
  }, []);
  return { pathname: location.pathname, search: new URLSearchParams(location.search) };
}

/** The address of the focused link, if a link has the focus. */
function focusedLinkHref(): string | undefined {
  const focused = document.activeElement;
  return focused instanceof HTMLAnchorElement ? (focused.getAttribute('href') ?? undefined) : undefined;
}

/**
 * Back returns to where the page was scrolled when a link left it, with the focus on that link
 * again, so a keyboard user goes on from there (navigate records both; a page left by Back itself
 * has none recorded, so Forward opens it at the top). The page's content arrives after the URL
 * changes (its results are fetched again), so the position is applied once the page is long
 * enough to hold it, and the focus once the link is there, or after three seconds at the latest.
 */
export function restoreScrollOnBack(): void {
  history.scrollRestoration = 'manual';
  window.addEventListener('popstate', (event) => {
    const { scrollY: target = 0, focusedLink } = (event.state ?? {}) as { scrollY?: number; focusedLink?: string };
    const giveUpAt = performance.now() + 3_000;
    let scrolled = false;
    const apply = () => {
      const late = performance.now() > giveUpAt;
      if (!scrolled && (document.documentElement.scrollHeight - window.innerHeight >= target || late)) {
        window.scrollTo(0, target);
        scrolled = true;
      }
      const link = focusedLink === undefined ? undefined : [...document.querySelectorAll('a')].find((anchor) => anchor.getAttribute('href') === focusedLink);
      link?.focus({ preventScroll: true });
      if (!late && (!scrolled || (focusedLink !== undefined && !link))) requestAnimationFrame(apply);
    };
    requestAnimationFrame(apply);
  });
}

/** Internal links navigate in place (a plain click); other clicks (new tab, modifiers) are the browser's. */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || anchor.target || anchor.origin !== location.origin || anchor.hasAttribute('download')) return;
  // A link within this page ("Skip to content", #main) moves the focus to its target; it was taken
  // for navigation to the same URL, which does nothing.
  if (anchor.hash && anchor.pathname === location.pathname && anchor.search === location.search) {
    const target = document.getElementById(decodeURIComponent(anchor.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    target.focus();
    return;
  }
  if (!['/', '/similar', '/map'].includes(anchor.pathname) && !anchor.pathname.startsWith('/paper/')) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
}
