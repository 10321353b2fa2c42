import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface RequestState<Answer> {
  data?: Answer;
  error?: string;
  loading: boolean;
  /** `data` answers an earlier key: the answer to this one is on its way (or failed). */
  stale: boolean;
  /** Runs the request again, for the same key; undefined unless it failed in a way a later try may not (the server was down, say). */
  retry?: () => void;
}

interface KeyedState<Answer> {
  data?: Answer;
  /** The key `data` answers. */
  dataKey?: string;
  error?: string;
  /** The error may pass: trying again may succeed. */
  passing?: boolean;
  loading: boolean;
}

/**
 * Runs `load` whenever `key` changes (null: nothing to load), or `retry` is called, cancelling the
 * request it replaces, so a slow answer to an old query never overwrites the answer to a newer
 * one. The previous answer is kept until the new one arrives, marked `stale`, for a view to grey
 * it out or hide it.
 */
export function useRequest<Answer>(key: string | null, load: (signal: AbortSignal) => Promise<Answer>): RequestState<Answer> {
  const [state, setState] = useState<KeyedState<Answer>>({ loading: key !== null });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, dataKey: previous.dataKey, loading: true }));
    load(controller.signal).then(
      (data) => setState({ data, dataKey: key, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState(
          error instanceof ApiError
            ? { loading: false, error: error.message, passing: error.passing }
            : { loading: false, error: 'Something went wrong on this page. Reload it to try again.' },
        );
      },
    );
    return () => controller.abort();
  }, [key, attempt]);
  // Judged against the key of this render: until the effect runs, the state still holds the last key's answer.
  const { dataKey: _dataKey, passing, ...answer } = state;
  return { ...answer, stale: state.data !== undefined && state.dataKey !== key, ...(passing ? { retry: () => setAttempt((count) => count + 1) } : {}) };
}
