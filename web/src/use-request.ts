import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface RequestState<Answer> {
  data?: Answer;
  error?: string;
  loading: boolean;
}

/**
 * Runs `load` whenever `key` changes (null: nothing to load), cancelling the request it replaces,
 * so a slow answer to an old query never overwrites the answer to a newer one.
 */
export function useRequest<Answer>(key: string | null, load: (signal: AbortSignal) => Promise<Answer>): RequestState<Answer> {
  const [state, setState] = useState<RequestState<Answer>>({ loading: key !== null });
  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    load(controller.signal).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ loading: false, error: error instanceof ApiError ? error.message : 'Something went wrong on this page. Reload it to try again.' });
      },
    );
    return () => controller.abort();
  }, [key]);
  return state;
}
