import { setOfferCount } from './window-title.ts';

/** How the desk gets the agent's attention for an offer; tests inject a recorder. */
export interface OfferAlert {
  /** A short sound for a new offer. */
  chime(): void;
  /** Pending offer count, shown in the tab title ("(1) New chat — Parley"); 0 restores the title. */
  setCount(count: number): void;
}

let audio: AudioContext | null = null;

/** A two-tone beep generated with WebAudio (no asset to ship or load). */
function beep(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === 'suspended') void ctx.resume();
    [880, 1175].forEach((frequency, index) => {
      const start = ctx.currentTime + index * 0.16;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.16);
    });
  } catch {
    // No audio (autoplay policy, no device): the popup and title still notify.
  }
}

export const browserOfferAlert: OfferAlert = {
  chime: beep,
  setCount: setOfferCount,
};
