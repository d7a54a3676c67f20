/**
 * dist/widget/loader.js: the only script a site embeds
 * (`<script async src=".../widget/loader.js" data-website-key="KEY" data-locale="fr"></script>`).
 * A tiny facade (IIFE, no Lit, no socket.io, no zod): see loader/install.ts.
 */
import { install } from './loader/install.ts';

install(window, document.currentScript as HTMLScriptElement | null);
