import { STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import type { MessengerElement } from './messenger-element.ts';

/** Storage key of the composer's text: another tab (or a reload) finds it there. */
export const DRAFT_KEY = 'draft';

/** Keeps the composer's text in storage, so every tab shows the same draft. */
export function saveDraft(store: KeyValueStore, draft: string): void {
  if (draft) store.set(DRAFT_KEY, draft);
  else store.remove(DRAFT_KEY);
}

/**
 * Keeps this tab's widget in step with the others: open state, draft and unread count
 * live in shared storage, whose `storage` event fires in every other tab of the origin.
 * When the unread count goes up, a hidden tab blinks its title until it is looked at,
 * and only the tab holding the connection plays the sound, so it plays once.
 */
export function syncTabs(el: MessengerElement, leading: () => boolean, sound: boolean): () => void {
  const { client, store } = el;
  let unread = client.state.unread;
  const blink = titleBlink(() => (unread === 1 ? el.t('title.unread.one') : el.t('title.unread.other', { count: unread })));

  const check = () => {
    const now = client.state.unread;
    const more = now > unread;
    unread = now;
    if (more && document.hidden) blink.start();
    if (more && sound && leading()) beep();
    if (now === 0) blink.stop();
  };
  const onStorage = (e: StorageEvent) => {
    if (e.storageArea && e.storageArea !== localStorage) return;
    const open = store.get<boolean>(STORAGE_KEYS.open) === true;
    if (open !== el.open) {
      el.open = open;
      el.syncVisibility();
    }
    el.draft = store.get<string>(DRAFT_KEY) ?? '';
    el.snapshot = client.state;
    check();
  };
  const onVisible = () => !document.hidden && blink.stop();

  const unsubscribe = client.subscribe(check);
  window.addEventListener('storage', onStorage);
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    unsubscribe();
    window.removeEventListener('storage', onStorage);
    document.removeEventListener('visibilitychange', onVisible);
    blink.stop();
  };
}

/** Alternates the page title with `text()` every second; `stop` puts the page's own title back. */
function titleBlink(text: () => string) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let saved = '';
  let shown = '';
  const tick = () => {
    if (shown && document.title === shown) document.title = saved;
    else {
      saved = document.title; // the page may have changed its title meanwhile
      document.title = shown = text();
    }
  };
  return {
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, 1_000);
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      if (document.title === shown) document.title = saved;
      shown = '';
    },
  };
}

let audio: AudioContext | null = null;

/** A short WebAudio chime (no asset). Browsers allow sound only after the visitor interacted with the page. */
function beep(): void {
  if ((navigator as { userActivation?: { hasBeenActive: boolean } }).userActivation?.hasBeenActive === false) return;
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    void ctx.resume();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    const at = ctx.currentTime;
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.25);
  } catch {
    // No audio device or refused: the badge and title still tell.
  }
}
