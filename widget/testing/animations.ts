/**
 * Resolves once the element's shadow-DOM animations (the panel's opening fade) have finished:
 * axe computes colour contrast from the current opacity, so a check mid-fade sees faint text.
 */
export async function animationsDone(element: Element): Promise<void> {
  const root = element.shadowRoot;
  if (!root) return;
  await Promise.all(root.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
}
