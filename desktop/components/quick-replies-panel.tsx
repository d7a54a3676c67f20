import { useEffect, useRef, useState } from 'preact/hooks';
import { isKnownVariable, proposeValues, renderTemplate, type KnownVariable, type QuickReply } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';

interface QuickRepliesPanelProps {
  replies: readonly QuickReply[];
  /** What the desk knows (agent, contact, queue) to pre-fill known variables. */
  context: Partial<Record<KnownVariable, string | null>>;
  loading: boolean;
  error: string | null;
  onInsert: (text: string) => void;
  onClose: () => void;
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The `>>` slide-out (seed 001): search, pick a reply, check the pre-filled
 * variables and fill the unknown ones, Insert. Insert stays disabled while a
 * value is missing, so a literal `{{…}}` never reaches the contact.
 */
export function QuickRepliesPanel({ replies, context, loading, error, onInsert, onClose }: QuickRepliesPanelProps) {
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<QuickReply | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);

  const matches = replies.filter((reply) => fold(`${reply.title} ${reply.body}`).includes(fold(query.trim())));
  const result = selected ? renderTemplate(selected.body, values) : null;

  function pick(reply: QuickReply) {
    setSelected(reply);
    setValues(proposeValues(reply.body, context));
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onClose();
  }

  return (
    <section id="quick-replies" class="quick-replies" aria-labelledby="quick-title" onKeyDown={onKeyDown} data-testid="quick-replies">
      <header class="quick-head">
        <h3 id="quick-title">{t('quick.title')}</h3>
        <button type="button" class="button small ghost" onClick={onClose} data-testid="quick-replies-close">
          {t('quick.close')}
        </button>
      </header>
      <label class="field">
        <span>{t('quick.search')}</span>
        <input ref={search} type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} data-testid="quick-reply-search" />
      </label>
      {loading && <p aria-busy="true">{t('quick.loading')}</p>}
      {error && <p class="form-error" role="alert">{error}</p>}
      {!loading && matches.length === 0 && <p class="list-empty">{t('quick.none')}</p>}
      <ul class="quick-list">
        {matches.map((reply) => (
          <li key={reply.id}>
            <button type="button" class={`quick-item${selected?.id === reply.id ? ' selected' : ''}`} aria-pressed={selected?.id === reply.id} onClick={() => pick(reply)} data-testid="quick-reply-item" data-id={reply.id}>
              <span class="quick-item-title">{reply.title}</span>
              <span class="quick-item-body">{reply.body}</span>
            </button>
          </li>
        ))}
      </ul>
      {selected && (
        <form
          class="quick-fill"
          aria-labelledby="quick-fill-title"
          onSubmit={(event) => {
            event.preventDefault();
            if (result?.ok) onInsert(result.text);
          }}
        >
          <h4 id="quick-fill-title">{selected.title}</h4>
          {Object.keys(values).length === 0 && <p class="hint">{t('quick.noVariables')}</p>}
          {Object.entries(values).map(([name, value]) => {
            const known = isKnownVariable(name) && (context[name] ?? '') !== '';
            const missing = !value.trim();
            return (
              <label key={name} class="field">
                <span>
                  {name} {known ? <span class="hint">({t('quick.prefilled')})</span> : <span class="hint">({t('quick.required')})</span>}
                </span>
                <input
                  value={value}
                  required
                  aria-invalid={missing ? 'true' : undefined}
                  onInput={(e) => setValues({ ...values, [name]: e.currentTarget.value })}
                  data-testid="quick-reply-variable"
                  data-name={name}
                  data-known={known ? 'true' : 'false'}
                />
              </label>
            );
          })}
          <p class="form-error" role="status" data-testid="quick-reply-missing">
            {result && !result.ok ? t('quick.missing', { names: result.missing.join(', ') }) : ''}
          </p>
          {result?.ok && (
            <p class="quick-preview" data-testid="quick-reply-preview">
              {result.text}
            </p>
          )}
          <button type="submit" class="button primary" disabled={!result?.ok} data-testid="quick-reply-insert">
            {t('quick.insert')}
          </button>
        </form>
      )}
    </section>
  );
}
