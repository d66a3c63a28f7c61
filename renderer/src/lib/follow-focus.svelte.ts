/** Where a target's focus goes: an element, or a function that moves it itself (to an element rendered after this update). */
export type FocusTarget = HTMLElement | (() => void) | null | undefined;

/**
 * Moves focus where a state class asks (its `focusRequest`, see FocusRequests) to the element
 * named for that target. Called while a component initialises. The elements are read inside the
 * effect, so a target that appears with the same update (bound a moment later) still gets focus.
 */
export function followFocus<T extends string>(request: () => { target: T } | null, elements: () => Partial<Record<T, FocusTarget>>): void {
  $effect(() => {
    const asked = request();
    if (!asked) return;
    const target = elements()[asked.target];
    if (typeof target === 'function') target();
    else target?.focus();
  });
}
