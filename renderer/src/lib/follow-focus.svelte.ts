/**
 * Moves focus where a state class asks (its `focusRequest`, see FocusRequests) to the element
 * named for that target. Called while a component initialises. The elements are read inside the
 * effect, so a target that appears with the same update (bound a moment later) still gets focus.
 */
export function followFocus<T extends string>(request: () => { target: T } | null, elements: () => Partial<Record<T, HTMLElement | undefined>>): void {
  $effect(() => {
    const asked = request();
    if (asked) elements()[asked.target]?.focus();
  });
}
