import type { Attachment } from 'svelte/attachments';

/** Moves focus to the element when it appears: each screen's heading, so screen readers announce the change. */
export const focusOnMount: Attachment<HTMLElement> = (node) => {
  node.focus();
};
