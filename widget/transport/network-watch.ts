/**
 * Browsers keep an open WebSocket alive for a while after the network goes away (and
 * emulated offline never cuts it), so the messenger follows the browser's own verdict
 * instead. Returns the function that stops watching.
 */
export function watchBrowserNetwork(on: { offline(): void; online(): void }): () => void {
  const offline = () => on.offline();
  const online = () => on.online();
  window.addEventListener('offline', offline);
  window.addEventListener('online', online);
  return () => {
    window.removeEventListener('offline', offline);
    window.removeEventListener('online', online);
  };
}
