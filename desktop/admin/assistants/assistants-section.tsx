import { useEffect, useState } from 'preact/hooks';
import { AssistantInput, type Assistant, type Locale, type Website } from '../../../protocol/index.ts';
import { toApiError } from '../../api/api-error.ts';
import { errorText, t } from '../../i18n/index.ts';
import { assistantsApi } from './assistants-api.ts';
import { Builder } from './builder.tsx';

const LANGS: readonly Locale[] = ['en', 'fr'];

/** Admin › Assistants: the list (name, status, channels) and the create form; a row opens the builder. */
export function AssistantsSection() {
  const [items, setItems] = useState<Assistant[]>([]);
  const [websites, setWebsites] = useState<Website[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [brand, setBrand] = useState('');
  const [langs, setLangs] = useState<Locale[]>(['en']);
  const [errors, setErrors] = useState<{ name?: string; languages?: string; form?: string }>({});
  const reload = () => assistantsApi.list().then(setItems, (c) => setErrors({ form: errorText(toApiError(c).code) }));
  useEffect(() => {
    void reload();
    assistantsApi.websites().then(setWebsites, () => undefined);
  }, []);

  if (open) return <Builder assistantId={open} others={items} onBack={() => (setOpen(null), void reload())} onChanged={() => void reload()} />;

  async function create(event: Event) {
    event.preventDefault();
    const body = { name: name.trim(), languages: langs, ...(brand.trim() ? { brand: brand.trim() } : {}) };
    const parsed = AssistantInput.safeParse(body);
    if (!parsed.success) {
      return setErrors({ name: body.name ? undefined : t('bot.nameRequired'), languages: langs.length ? undefined : t('bot.languageRequired') });
    }
    setErrors({});
    try {
      const created = await assistantsApi.create(parsed.data);
      setItems((list) => [...list, created]);
      setName('');
      setBrand('');
      setOpen(created.id);
    } catch (cause) {
      const e = toApiError(cause);
      setErrors({ form: `${errorText(e.code, e.message)}` });
    }
  }

  const channelNames = (a: Assistant) => a.channels.map((id) => websites.find((w) => w.id === id)?.name ?? id).join(', ');
  return (
    <div class="admin-section">
      <ul class="admin-rows" aria-label={t('admin.section.assistants')}>
        {items.length === 0 && <li class="list-empty">{t('bot.empty')}</li>}
        {items.map((a) => (
          <li key={a.id} class="admin-row" data-testid="assistant-row" data-id={a.id}>
            <div class="admin-row-main">
              <strong>{a.name}</strong>
              <span class="hint" data-testid="assistant-status">
                {t(`bot.status.${a.status}`)}
                {a.brand ? ` · ${a.brand}` : ''} · {a.channels.length ? t('bot.channels', { list: channelNames(a) }) : t('bot.noChannels')}
              </span>
            </div>
            <div class="admin-row-actions">
              <button type="button" class="button small" onClick={() => setOpen(a.id)} data-testid="assistant-open">
                {t('bot.openBuilder')}
                <span class="visually-hidden"> {a.name}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      <form class="admin-form" noValidate onSubmit={(e) => void create(e)} aria-labelledby="assistant-create-title" data-testid="assistant-create-form">
        <h3 id="assistant-create-title">{t('bot.new')}</h3>
        <div class="field">
          <label for="assistant-name">{t('bot.name')}</label>
          <input id="assistant-name" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-invalid={errors.name ? true : undefined} aria-describedby={errors.name ? 'assistant-name-error' : undefined} data-testid="assistant-name" />
          {errors.name && (
            <span id="assistant-name-error" class="form-error">
              {errors.name}
            </span>
          )}
        </div>
        <div class="field">
          <label for="assistant-brand">{t('bot.brand')}</label>
          <input id="assistant-brand" value={brand} onInput={(e) => setBrand(e.currentTarget.value)} data-testid="assistant-brand" />
        </div>
        <fieldset aria-describedby={errors.languages ? 'assistant-lang-error' : undefined}>
          <legend>{t('bot.languages')}</legend>
          {LANGS.map((l) => (
            <label key={l} class="check">
              <input type="checkbox" checked={langs.includes(l)} onChange={(e) => setLangs(e.currentTarget.checked ? LANGS.filter((x) => x === l || langs.includes(x)) : langs.filter((x) => x !== l))} data-testid={`assistant-lang-${l}`} />
              {t(`locale.${l}`)}
            </label>
          ))}
          {errors.languages && (
            <span id="assistant-lang-error" class="form-error">
              {errors.languages}
            </span>
          )}
        </fieldset>
        <p class="form-error" role="alert">
          {errors.form ?? ''}
        </p>
        <div class="admin-form-actions">
          <button type="submit" class="button primary" data-testid="assistant-create">
            {t('bot.create')}
          </button>
        </div>
      </form>
    </div>
  );
}
