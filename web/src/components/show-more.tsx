/**
 * "Show more" under a list: `mark` (from useFocusAfterMore) notes where the added papers will
 * start, for the focus to go there, then `more` asks for the longer list.
 */
export function ShowMore({ mark, more }: { mark: () => void; more: () => void }) {
  return (
    <button
      type="button"
      class="show-more"
      onClick={() => {
        mark();
        more();
      }}
    >
      Show more
    </button>
  );
}
