/**
 * Characters that steer a terminal or reorder what it shows instead of being shown: C0 controls
 * (ESC starts the sequences that retitle a window, move the cursor, clear the screen or hide
 * text; CR overwrites a line), DEL, C1 controls (CSI U+009B is ESC [ in one character) and the
 * bidirectional overrides and isolates (which make a name read backwards).
 */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function hasControlChars(text: string): boolean {
  return text.search(CONTROLS) !== -1;
}

/** `text` without any of them (line breaks and tabs included: a value must not start a line or a column of its own). */
export function stripControlChars(text: string): string {
  return text.replace(CONTROLS, '');
}
