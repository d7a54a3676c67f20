import { isKnownVariable, malformedPlaceholders, proposeValues, templateVariables, type KnownVariable } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';

/** Sample values for the preview; real ones come from the chat when an agent inserts the reply. */
const SAMPLE: Partial<Record<KnownVariable, string>> = {
  'agent.name': 'Ada Lovelace',
  'agent.id': 'a6e1',
  'agent.email': 'agent@demo.shop',
  'contact.name': 'Marie Curie',
  'contact.email': 'marie@example.com',
  'contact.phone': '+33 1 23 45 67 89',
  'queue.name': 'General',
};

/** Refuses `{{ }}`, `{{1x}}`, unclosed braces before the server does. */
export function checkQuickReply(values: Record<string, unknown>): Record<string, string> {
  const bad = malformedPlaceholders(String(values.body ?? ''));
  return bad.length ? { body: t('admin.qr.malformed', { list: bad.join(', ') }) } : {};
}

/** Live preview of a quick reply: known variables filled with samples, others marked as asked for. */
export function QuickReplyPreview({ body }: { body: string }) {
  const names = templateVariables(body);
  const proposed = proposeValues(body, SAMPLE);
  const parts = body.split(/(\{\{\s*[a-zA-Z][\w.]{0,63}\s*\}\})/g);
  return (
    <section class="qr-preview" aria-label={t('admin.qr.preview')} data-testid="qr-preview">
      <h4>{t('admin.qr.preview')}</h4>
      <p class="qr-preview-text" data-testid="qr-preview-text">
        {parts.map((part, index) => {
          const match = /^\{\{\s*([a-zA-Z][\w.]{0,63})\s*\}\}$/.exec(part);
          if (!match) return part;
          const name = match[1]!;
          return proposed[name] ? (
            <mark key={index} class="qr-known">{proposed[name]}</mark>
          ) : (
            <mark key={index} class="qr-asked">[{name}]</mark>
          );
        })}
      </p>
      {names.length > 0 && (
        <ul class="qr-variables" data-testid="qr-variables">
          {names.map((name) => (
            <li key={name} data-variable={name}>
              <code>{name}</code> — {isKnownVariable(name) ? t('admin.qr.filled') : t('admin.qr.asked')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
