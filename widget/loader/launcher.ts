import { onColor } from '../api/color.ts';
import type { Theme } from '../api/types.ts';

/** Built-in labels so the placeholder is accessible before any catalogue is loaded. */
const LABELS: Record<string, string> = { en: 'Open chat', fr: 'Ouvrir la discussion' };

/**
 * The placeholder launcher, in its own shadow root, drawn until the app mounts
 * (the app draws an identical one in the same place, so the hand-over is seamless). It reads the
 * same --parley-primary / --parley-on-primary custom properties and has the same `launcher` part.
 * Returns its host element (`hidden` hides it, `remove()` takes it away).
 */
export function drawLauncher(locale: string | undefined, theme: Theme, onClick: () => void): HTMLElement {
  const lang = (locale || document.documentElement.lang || navigator.language || '').slice(0, 2).toLowerCase();
  const host = document.createElement('parley-launcher');
  const root = host.attachShadow({ mode: 'open' });
  const bg = /^#[0-9a-f]{6}$/i.test(theme.primaryColor ?? '') ? theme.primaryColor : '#3157d5';
  const side = theme.position === 'left' ? 'left' : 'right';
  root.innerHTML =
    `<style>:host{all:initial!important;display:block!important}:host([hidden]){display:none!important}button{all:initial;display:flex;align-items:center;justify-content:center;gap:8px;` +
    `position:fixed;${side}:20px;bottom:20px;z-index:2147483000;min-width:56px;height:56px;box-sizing:border-box;padding:0 15px;border-radius:28px;background:var(--parley-primary,${bg});color:var(--parley-on-primary,${onColor(bg!)});cursor:pointer;` +
    `font:600 15px system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25)}button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}svg{display:block;width:26px;height:26px;fill:currentColor}` +
    `@media(max-width:480px){button{${side}:10px;bottom:10px}}</style><button type="button" part="launcher" data-testid="launcher" aria-expanded="false">` +
    `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg></button>`;
  const button = root.querySelector('button')!;
  if (theme.launcherLabel) button.append(theme.launcherLabel);
  button.setAttribute('aria-label', theme.launcherLabel || LABELS[lang] || LABELS.en!);
  button.onclick = onClick;
  document.body.append(host);
  return host;
}
