import type { Message } from '../../protocol/index.ts';
import { formatDate, formatTime, t } from '../i18n/index.ts';
import { authorLabel, eventLabel } from './labels.ts';

/**
 * The whole chat as readable text for the clipboard (seed 001 "Copy whole chat"):
 * a header (contact, date, queue) then "[12:04] Ada Lovelace: …", events in brackets, images by name.
 */
export function chatAsText(messages: readonly Message[], visitorName: string, queueName: string | null = null): string {
  const first = messages[0];
  const header = [t('copy.header', { name: visitorName }), first ? formatDate(first.createdAt) : '', queueName ?? ''].filter(Boolean).join(' · ');
  const lines = messages
    .map((message) => {
      const time = `[${formatTime(message.createdAt)}]`;
      if (message.kind === 'event') return `${time} [${eventLabel(message)}]`;
      // Names, not "You": the text is read outside the desk.
      const who = authorLabel(message.author, null, visitorName);
      const body = message.kind === 'image' ? `[${t('image.label', { name: message.attachment.name })}]${message.text ? ` ${message.text}` : ''}` : message.text;
      return `${time} ${who}: ${body}`;
    });
  return [header, '', ...lines].join('\n');
}
