/** An error from the API, as the sentence api.ts made of it; announced to screen readers. */
export function ErrorNotice({ message }: { message: string }) {
  return (
    <p class="notice error" role="alert">
      {message}
    </p>
  );
}
