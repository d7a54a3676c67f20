import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';

/** "End chat" needs a second, explicit confirmation (seed 001); Escape or "Keep chatting" backs out. */
export function EndChatButton({ busy, onEnd }: { busy: boolean; onEnd: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <button type="button" class="button danger-outline" disabled={busy} onClick={() => setConfirming(true)} data-testid="end-chat">
        {t('end.button')}
      </button>
    );
  }
  return (
    <span class="end-confirm" role="group" aria-label={t('end.question')} onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}>
      <span>{t('end.question')}</span>
      <button
        ref={confirmRef}
        type="button"
        class="button danger"
        disabled={busy}
        onClick={() => {
          setConfirming(false);
          onEnd();
        }}
        data-testid="end-chat-confirm"
      >
        {t('end.confirm')}
      </button>
      <button type="button" class="button ghost" onClick={() => setConfirming(false)} data-testid="end-chat-cancel">
        {t('end.cancel')}
      </button>
    </span>
  );
}
