import { z } from 'zod';

/**
 * The desktop runs under a CSP without 'unsafe-eval' (server/http/security-headers.ts):
 * zod must neither compile its parsers with `new Function` nor probe whether it may,
 * which the browser reports as a violation even though zod catches the refusal.
 * Imported first by main.tsx, before any schema parses.
 */
z.config({ jitless: true });
