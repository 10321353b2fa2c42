import { useEffect } from 'preact/hooks';

const regionId = 'announcer';

/**
 * The page's one polite live region, on the page from the start: screen readers read a region
 * when its text changes, not one added to the page with its text already in it (a list's count,
 * shown with the list, went unread).
 */
export function Announcer() {
  return <p id={regionId} class="visually-hidden" aria-live="polite" aria-atomic="true" />;
}

/**
 * Says `message` through the Announcer whenever it, or `occasion` (what it is about: the papers
 * of a list), changes; nothing while it is undefined.
 */
export function useAnnouncement(message: string | undefined, occasion = ''): void {
  useEffect(() => {
    const region = document.getElementById(regionId);
    if (!region || message === undefined) return;
    // Emptied first, so that the same words about a new list are read again.
    region.textContent = '';
    const timer = setTimeout(() => (region.textContent = message), 50);
    return () => clearTimeout(timer);
  }, [message, occasion]);
}
