import type { Message } from '../../protocol/index.ts';
import { formatTime, t } from '../i18n/index.ts';
import { authorLabel, eventLabel } from './labels.ts';

/**
 * The whole chat as readable text for the clipboard (seed 001 "Copy whole chat"):
 * "[12:04] Ada Lovelace: …", events in brackets, images by name.
 */
export function chatAsText(messages: readonly Message[], visitorName: string): string {
  return messages
    .map((message) => {
      const time = `[${formatTime(message.createdAt)}]`;
      if (message.kind === 'event') return `${time} [${eventLabel(message)}]`;
      // Names, not "You": the text is read outside the desk.
      const who = authorLabel(message.author, null, visitorName);
      const body = message.kind === 'image' ? `[${t('image.label', { name: message.attachment.name })}]${message.text ? ` ${message.text}` : ''}` : message.text;
      return `${time} ${who}: ${body}`;
    })
    .join('\n');
}
