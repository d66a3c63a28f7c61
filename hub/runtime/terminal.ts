import { stripControlChars } from '../../shared/control-chars.ts';

/**
 * Everything the operator CLI prints goes through here. What it prints quotes what others wrote
 * (kiosk names chosen at enrolment, branch names, notes, the lines of a mediation file), and a
 * name holding ESC sequences could otherwise retitle the operator's terminal, rewrite what is
 * on screen or hide a line: every control character is dropped, but the line breaks and tabs
 * of the CLI's own layout, from which each quoted value is kept apart by `oneLine`.
 */
const layout = (text: string) => text.split('\n').map((line) => line.split('\t').map(stripControlChars).join('\t')).join('\n');

export function say(text: string): void {
  console.log(layout(text));
}

export function sayError(text: string): void {
  console.error(layout(text));
}

/** A value quoted in the CLI's layout: no line break or tab of its own. */
export const oneLine = stripControlChars;
