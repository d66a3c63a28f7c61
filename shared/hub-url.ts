import { z } from 'zod';

/**
 * Where a kiosk may find headquarters. Its device credential and every customer's data travel
 * to this URL, so anything but the kiosk's own machine must be https: plain http on a store
 * network hands both to whoever shares it. Plain http is only for a hub on loopback (a
 * developer's machine, a hub process next to the kiosk).
 */
function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** scheme://host[:port][/path], nothing else (no user info, query or fragment): what is not plainly a hub address is not taken. */
const HUB_URL = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?(?:\/[^\s?#]*)?$/i;

/** Why `text` is not a URL a kiosk may send its credential to, or null when it is. */
export function hubUrlProblem(text: string): string | null {
  const match = HUB_URL.exec(text);
  if (!match) return `${JSON.stringify(text)} is not a hub URL such as https://hub.example.com`;
  const [, scheme = '', host = ''] = match;
  const protocol = scheme.toLowerCase();
  if (protocol === 'https') return null;
  if (protocol === 'http' && isLoopback(host)) return null;
  if (protocol === 'http') return `the hub at ${host} must be reached over https: plain http is only for a hub on this machine (localhost, 127.0.0.1, ::1)`;
  return `a hub URL is https:// (or http:// on this machine), not ${protocol}:`;
}

export const HubUrl = z.string().superRefine((text, ctx) => {
  const problem = hubUrlProblem(text);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});
