import { useState } from 'preact/hooks';
import type { Message } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';
import { chatAsText } from './chat-text.ts';

/** Copies the whole chat as text; says whether it worked (clipboard access can be refused). */
export function CopyChatButton({ messages, visitorName, queueName = null }: { messages: readonly Message[]; visitorName: string; queueName?: string | null }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(chatAsText(messages, visitorName, queueName));
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
  }
  return (
    <>
      <button type="button" class="button" onClick={() => void copy()} data-testid="copy-chat">
        {t('copy.button')}
      </button>
      <span class="visually-hidden" role="status">
        {status === 'idle' ? '' : t(`copy.${status}`)}
      </span>
    </>
  );
}
