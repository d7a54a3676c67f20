import type { ConversationSummary } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';

/** The X channel's mark before a contact's name in the desk's lists (issue 19); nothing for web chats. */
export function XMark({ channel }: { channel: ConversationSummary['channel'] }) {
  if (channel !== 'x_dm') return null;
  return (
    <span class="channel-icon channel-x" role="img" aria-label={t('x.dm')} data-testid="x-icon">
      𝕏{' '}
    </span>
  );
}
