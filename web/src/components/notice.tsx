import { focusContent } from '../focus-content.js';

/**
 * An error from the API, as the sentence api.ts made of it; announced to screen readers. With
 * `onRetry`, a button runs the failed request again (the server may be back).
 */
export function ErrorNotice({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <p class="notice error" role="alert">
      {message}
      {onRetry && (
        <>
          {' '}
          <button
            type="button"
            class="link-button"
            onClick={() => {
              // The notice goes while the request runs again: the focus stays in the page.
              focusContent();
              onRetry();
            }}
          >
            Try again
          </button>
        </>
      )}
    </p>
  );
}
