/**
 * Keyboard focus for the panel, a modal dialog: Tab and Shift+Tab stay inside it, and on
 * close focus goes back where it came from (the launcher, or the page control that opened it).
 */
const TABBABLE = 'button:not([disabled]), a[href], input:not([disabled]), textarea:not([disabled]), [tabindex]';

/** Wraps Tab from the last control to the first one and Shift+Tab from the first to the last. */
export function trapTab(e: KeyboardEvent, panel: HTMLElement): void {
  if (e.key !== 'Tab') return;
  const items = [...panel.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0);
  const first = items[0];
  const last = items.at(-1);
  if (!first || !last) return;
  const active = (panel.getRootNode() as ShadowRoot | Document).activeElement;
  const inside = !!active && panel.contains(active);
  if (e.shiftKey ? active === first || !inside : active === last || !inside) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}

/** What has focus now, looking into our shadow root when the host has it. */
export function focusedElement(host: HTMLElement): HTMLElement | null {
  const active = document.activeElement === host ? host.shadowRoot?.activeElement : document.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * Follows the visual viewport (what stays visible above a mobile keyboard) in custom properties
 * on the host, so the full-screen panel on small screens keeps its composer in view.
 */
export function followVisualViewport(host: HTMLElement): () => void {
  const vv = window.visualViewport;
  if (!vv) return () => {};
  const apply = () => {
    host.style.setProperty('--parley-vvh', `${Math.round(vv.height)}px`);
    host.style.setProperty('--parley-vvtop', `${Math.round(vv.offsetTop)}px`);
  };
  apply();
  vv.addEventListener('resize', apply);
  vv.addEventListener('scroll', apply);
  return () => {
    vv.removeEventListener('resize', apply);
    vv.removeEventListener('scroll', apply);
  };
}
