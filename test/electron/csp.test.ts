import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../electron/core/security/csp.ts';

vi.mock('electron', () => ({}));

const directives = new Map(
  CONTENT_SECURITY_POLICY.split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([name, ...values]) => [name as string, values]),
);

describe('content security policy', () => {
  it("defaults to 'self'", () => expect(directives.get('default-src')).toEqual(["'self'"]));

  it('allows scripts only from our own origin: no eval, no inline, no data:, no wildcard', () => {
    const scripts = directives.get('script-src') ?? directives.get('default-src') ?? [];
    expect(scripts).toEqual(["'self'"]);
    for (const bad of ["'unsafe-eval'", "'unsafe-inline'", "'wasm-unsafe-eval'", 'data:', 'blob:', '*', 'http:', 'https:']) expect(scripts).not.toContain(bad);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it("sets object-src 'none', base-uri 'none' and frame-ancestors 'none'", () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('is sent as a header with nosniff', () => {
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});
