import { useEffect, useRef } from 'preact/hooks';

/**
 * After "Show more", the focus moves to the first paper it added, where a keyboard user goes on
 * reading: the button is gone while the longer list loads, and the focus fell to the page's body.
 * `shown` is how many papers the list shows; `settled`, that its answer is in. Returns what the
 * button calls as it is pressed.
 */
export function useFocusAfterMore(shown: number | undefined, settled: boolean): () => void {
  const from = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (from.current === undefined || !settled || shown === undefined) return;
    const first = shown > from.current ? document.querySelectorAll<HTMLAnchorElement>('.hits .hit-title a')[from.current] : undefined;
    from.current = undefined;
    first?.focus();
  }, [shown, settled]);
  return () => {
    from.current = shown;
  };
}
