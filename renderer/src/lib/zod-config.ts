import { z } from 'zod';

// The kiosk's CSP forbids eval. zod decides at schema construction whether to compile fast
// parsers with `new Function`, and even its probe for that is reported as a CSP violation, so
// this must run before any schema (shared/contract) is built: main.ts imports it first.
z.config({ jitless: true });
