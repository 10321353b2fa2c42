/**
 * For a button that is gone once pressed (an example, "Did you mean", "show only those", "Try
 * again"): the focus would fall to the page's body, and a keyboard or screen reader user start
 * again from the top. It goes to the view's content, as "Skip to content" puts it: Tab then
 * reaches the view's first control (the search box, ↓ from there the first result). Not the box
 * itself: on a phone, that opens the keyboard.
 */
export function focusContent(): void {
  document.getElementById('main')?.focus();
}
