import { html, type TemplateResult } from 'lit';
import type { MessengerElement } from './messenger-element.ts';

/**
 * The emoji picker, a chunk of its own: the element imports it with `import()` the first
 * time the visitor opens it, so it weighs nothing on the widget's first load. A compact set
 * (no search, no skin tones); screen readers name each emoji in the visitor's language.
 */
export const EMOJIS = '😀 😃 😄 😁 😆 😅 😂 🙂 😉 😊 😍 😘 😎 🤔 😐 😕 😢 😭 😡 😮 👍 👎 👏 🙌 🙏 👋 💪 ❤️ 💔 🎉 🔥 ✨ ⭐ ✅ ❌ ❓ 💡 📦 🚚 🕒'.split(' ');
const COLUMNS = 8;

/** The picker's own styles travel with it (inside the shadow root, like the element's). */
const STYLE = html`<style>
  .emoji-picker { display: block; padding: 6px; border: 1px solid var(--parley-input-border); border-radius: 10px; background: var(--parley-bg); animation: parley-in 0.15s ease-out; }
  .emoji-row { display: flex; }
  .emoji-row span { display: block; flex: 1; }
  .emoji { display: block; width: 100%; height: 34px; border-radius: 6px; font-size: 20px; line-height: 34px; text-align: center; }
  .emoji:hover { background: var(--parley-notice); }
</style>`;

/** Arrow keys move within the grid (one tab stop, roving tabindex), Home/End within a row, Enter or Space picks. */
function move(e: KeyboardEvent): void {
  const cell = e.target as HTMLElement;
  const index = Number(cell.dataset['index']);
  if (Number.isNaN(index)) return;
  const rowStart = index - (index % COLUMNS);
  const target = {
    ArrowRight: index + 1,
    ArrowLeft: index - 1,
    ArrowDown: index + COLUMNS,
    ArrowUp: index - COLUMNS,
    Home: rowStart,
    End: Math.min(rowStart + COLUMNS, EMOJIS.length) - 1,
  }[e.key];
  if (target === undefined) return;
  e.preventDefault();
  if (target < 0 || target >= EMOJIS.length) return;
  const grid = cell.closest('[role="grid"]')!;
  const next = grid.querySelector<HTMLElement>(`[data-index="${target}"]`)!;
  cell.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

/** Inserts at the caret (replacing any selection), then puts the caret right after the emoji. */
function insert(host: MessengerElement, emoji: string): void {
  const area = host.composerElement();
  const start = area?.selectionStart ?? host.draft.length;
  const end = area?.selectionEnd ?? start;
  host.draft = host.draft.slice(0, start) + emoji + host.draft.slice(end);
  void host.updateComplete.then(() => {
    area?.focus();
    area?.setSelectionRange(start + emoji.length, start + emoji.length);
  });
}

/** `close(selector)` closes the picker and focuses that control: the composer after a pick, the button on Escape. */
export function emojiPicker(host: MessengerElement, label: string, close: (focusAfter?: string) => void): TemplateResult {
  const rows: string[][] = [];
  for (let i = 0; i < EMOJIS.length; i += COLUMNS) rows.push(EMOJIS.slice(i, i + COLUMNS));
  return html`${STYLE}<div class="emoji-picker" id="parley-emoji" part="emoji-picker" data-testid="emoji-picker" role="grid" aria-label=${label}
    @keydown=${(e: KeyboardEvent) => (e.key === 'Escape' ? (e.stopPropagation(), close('[data-testid="emoji-button"]')) : move(e))}>
    ${rows.map(
      (row, r) => html`<div class="emoji-row" role="row">
        ${row.map(
          (emoji, c) => html`<span role="gridcell"><button class="emoji" type="button" data-testid="emoji" data-index=${r * COLUMNS + c}
            tabindex=${r + c === 0 ? 0 : -1} @click=${() => (close(), insert(host, emoji))}>${emoji}</button></span>`,
        )}
      </div>`,
    )}
  </div>`;
}
