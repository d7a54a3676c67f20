import { onColor } from '../../api/color.ts';
import type { Theme } from '../../api/types.ts';
import type { MessengerElement } from '../messenger-element.ts';

/**
 * Applies `boot({ theme })` (over the website's settings) to the element: CSS custom
 * properties on the host (`--parley-primary`, and a readable `--parley-on-primary`),
 * `position` / `scheme` attributes the shadow styles key on, and the launcher label.
 */
export function applyTheme(element: MessengerElement, theme: Theme): void {
  const color = theme.primaryColor;
  if (color) {
    element.style.setProperty('--parley-primary', color);
    element.style.setProperty('--parley-on-primary', onColor(color));
  }
  element.setAttribute('position', theme.position ?? element.getAttribute('position') ?? 'right');
  element.setAttribute('scheme', theme.colorScheme ?? element.getAttribute('scheme') ?? 'light');
  if (theme.launcherLabel !== undefined) element.launcherLabel = theme.launcherLabel;
}
