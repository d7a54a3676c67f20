import type { ComponentType } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { IMAGE_TYPES } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';

interface ComposerProps {
  value: string;
  error: string | null;
  disabled?: boolean;
  onInput: (text: string) => void;
  onSend: () => void;
  /** An image chosen with the button or pasted. */
  onImage?: (file: File) => void;
  /** Upload progress 0..1 while an image is on its way. */
  uploading?: number | null;
  /** Opens the quick replies slide-out (also Alt+Q). */
  onQuickReplies?: () => void;
  quickRepliesOpen?: boolean;
}

type Picker = ComponentType<{ onPick: (emoji: string) => void; onClose: () => void }>;
let pickerModule: Promise<Picker> | null = null;
/** The emoji grid is a separate chunk, fetched the first time it is opened. */
const loadPicker = () => (pickerModule ??= import('./emoji-picker.tsx').then((module) => module.default));

/** Reply box: Enter sends, Shift+Enter inserts a new line; emoji, image and quick replies on the toolbar. */
export function Composer({ value, error, disabled = false, onInput, onSend, onImage, uploading = null, onQuickReplies, quickRepliesOpen = false }: ComposerProps) {
  const input = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const [Picker, setPicker] = useState<Picker | null>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);

  function onKeyDown(event: KeyboardEvent) {
    if (event.altKey && event.code === 'KeyQ' && onQuickReplies) {
      event.preventDefault();
      return onQuickReplies();
    }
    // Never send in the middle of an IME composition (accents, CJK input).
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (!disabled) onSend();
  }

  function insertEmoji(emoji: string) {
    const area = input.current;
    const start = area?.selectionStart ?? value.length;
    const end = area?.selectionEnd ?? value.length;
    onInput(value.slice(0, start) + emoji + value.slice(end));
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  async function toggleEmoji() {
    if (emojiOpen) return setEmojiOpen(false);
    if (!Picker) {
      const loaded = await loadPicker();
      setPicker(() => loaded);
    }
    setEmojiOpen(true);
  }

  function onPaste(event: ClipboardEvent) {
    const image = [...(event.clipboardData?.files ?? [])].find((item) => item.type.startsWith('image/'));
    if (!image || !onImage) return;
    event.preventDefault();
    onImage(image);
  }

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (!disabled) onSend();
      }}
    >
      <label class="visually-hidden" for="composer-input">
        {t('composer.label')}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={3}
        value={value}
        placeholder={t('composer.placeholder')}
        onInput={(event) => onInput(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'composer-error' : 'composer-hint'}
        aria-keyshortcuts="Alt+Q"
        data-testid="composer-input"
      />
      <p id="composer-hint" class="visually-hidden">{t('composer.hint')}</p>
      {emojiOpen && Picker && <Picker onPick={insertEmoji} onClose={() => { setEmojiOpen(false); input.current?.focus(); }} />}
      <div class="composer-bar">
        <div class="composer-tools" role="toolbar" aria-label={t('composer.tools')}>
          {onQuickReplies && (
            <button type="button" class="button small" aria-expanded={quickRepliesOpen} aria-controls="quick-replies" aria-keyshortcuts="Alt+Q" title={t('quick.open')} onClick={onQuickReplies} disabled={disabled} data-testid="quick-replies-button">
              <span aria-hidden="true">&gt;&gt;</span>
              <span class="visually-hidden">{t('quick.open')}</span>
            </button>
          )}
          <button type="button" class="button small" aria-expanded={emojiOpen} title={t('emoji.open')} onClick={() => void toggleEmoji()} disabled={disabled} data-testid="emoji-button">
            <span aria-hidden="true">🙂</span>
            <span class="visually-hidden">{t('emoji.open')}</span>
          </button>
          {onImage && (
            <>
              <button type="button" class="button small" title={t('attach.open')} onClick={() => file.current?.click()} disabled={disabled || uploading !== null} data-testid="attach-button">
                <span aria-hidden="true">📎</span>
                <span class="visually-hidden">{t('attach.open')}</span>
              </button>
              <input
                ref={file}
                type="file"
                accept={IMAGE_TYPES.join(',')}
                class="visually-hidden"
                tabIndex={-1}
                aria-label={t('attach.open')}
                onChange={(event) => {
                  const chosen = event.currentTarget.files?.[0];
                  event.currentTarget.value = '';
                  if (chosen) onImage(chosen);
                }}
                data-testid="attach-input"
              />
            </>
          )}
          {uploading !== null && (
            <progress max={1} value={uploading} aria-label={t('attach.uploading')} data-testid="attach-progress" />
          )}
        </div>
        <p id="composer-error" class="form-error" role="alert" data-testid="composer-error">
          {error ?? ''}
        </p>
        <button type="submit" class="button primary" disabled={disabled || value.trim() === ''} data-testid="composer-send">
          {t('composer.send')}
        </button>
      </div>
    </form>
  );
}
