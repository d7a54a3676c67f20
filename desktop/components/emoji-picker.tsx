import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.ts';

/** A curated set of common emoji with English names for screen readers and search-free picking. */
export const EMOJI: readonly (readonly [string, string])[] = [
  ['😀', 'grinning face'], ['😊', 'smiling face'], ['😉', 'winking face'], ['😂', 'tears of joy'],
  ['🙂', 'slightly smiling face'], ['😍', 'heart eyes'], ['🤔', 'thinking face'], ['😅', 'sweat smile'],
  ['😢', 'crying face'], ['😮', 'surprised face'], ['🙏', 'folded hands'], ['👍', 'thumbs up'],
  ['👎', 'thumbs down'], ['👋', 'waving hand'], ['👏', 'clapping hands'], ['💪', 'flexed biceps'],
  ['❤️', 'red heart'], ['🎉', 'party popper'], ['✅', 'check mark'], ['❌', 'cross mark'],
  ['⭐', 'star'], ['🔥', 'fire'], ['📦', 'package'], ['🚚', 'delivery truck'],
  ['💳', 'credit card'], ['📧', 'email'], ['📞', 'telephone'], ['⏰', 'alarm clock'],
  ['☕', 'hot beverage'], ['🫖', 'teapot'], ['💡', 'light bulb'], ['⚠️', 'warning'],
];

const COLUMNS = 8;

interface EmojiPickerProps {
  onPick: (emoji: string) => void;
  onClose: () => void;
}

/**
 * The emoji grid (loaded on first use). Arrow keys move, Enter picks, Escape
 * closes and gives focus back to the composer (the caller's onClose).
 */
export default function EmojiPicker({ onPick, onClose }: EmojiPickerProps) {
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => grid.current?.querySelector<HTMLButtonElement>('button')?.focus(), []);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      return onClose();
    }
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const buttons = [...(grid.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[Math.min(buttons.length - 1, Math.max(0, index + move))]?.focus();
  }

  return (
    <div class="emoji-picker" role="group" aria-label={t('emoji.title')} ref={grid} onKeyDown={onKeyDown} data-testid="emoji-picker">
      {EMOJI.map(([emoji, name]) => (
        <button key={emoji} type="button" class="emoji-option" aria-label={name} title={name} onClick={() => onPick(emoji)} data-testid="emoji-option">
          {emoji}
        </button>
      ))}
    </div>
  );
}
