import { useState } from 'preact/hooks';
import type { BotOutput, Locale, PreviewResult, Queue } from '../../../protocol/index.ts';
import { toApiError } from '../../api/api-error.ts';
import { errorText, t } from '../../i18n/index.ts';
import { assistantsApi, type PreviewInputBody } from './assistants-api.ts';

type Line = { from: 'bot'; output: BotOutput } | { from: 'visitor'; text: string } | { from: 'note'; text: string };

/**
 * Chat with the saved draft: each input goes to `POST /preview` with the last
 * cursor; nothing is stored. `beforeStart` saves unsaved edits first.
 */
export function PreviewPanel(props: { assistantId: string; languages: readonly Locale[]; queues: readonly Queue[]; beforeStart: () => Promise<boolean> }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [cursor, setCursor] = useState<unknown>(null);
  const [started, setStarted] = useState(false);
  const [finished, setFinished] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [lang, setLang] = useState<Locale>(props.languages[0] ?? 'en');

  async function send(input: PreviewInputBody, shown: Line | null, from: unknown, base: Line[]) {
    setError('');
    try {
      const result: PreviewResult = await assistantsApi.preview(props.assistantId, { cursor: from, input, locale: lang });
      if (result.error) return setError(result.error.message);
      const next = [...base, ...(shown ? [shown] : []), ...result.outputs.map((output): Line => ({ from: 'bot', output }))];
      if (result.handoff) {
        const queue = props.queues.find((q) => q.id === result.handoff!.queueId)?.name ?? result.handoff.queueId;
        const attrs = Object.entries(result.handoff.attributes).map(([k, v]) => `${k}: ${v}`).join(', ');
        next.push({ from: 'note', text: t('bot.preview.handoff', { queue }) + (attrs ? ` (${attrs})` : '') });
      } else if (result.ended) next.push({ from: 'note', text: t('bot.preview.ended') });
      setLines(next);
      setCursor(result.cursor);
      setFinished(!!result.handoff || result.ended);
    } catch (cause) {
      const e = toApiError(cause);
      setError(`${errorText(e.code, e.message)}${e.message && e.message !== errorText(e.code) ? ` ${e.message}` : ''}`);
    }
  }

  async function start() {
    if (!(await props.beforeStart())) return;
    setStarted(true);
    setFinished(false);
    setLines([]);
    await send({ kind: 'start' }, null, null, []);
  }

  async function submit(event: Event) {
    event.preventDefault();
    const value = text.trim();
    if (!value) return;
    setText('');
    await send({ kind: 'text', text: value }, { from: 'visitor', text: value }, cursor, lines);
  }

  const lastBot = [...lines].reverse().find((l) => l.from !== 'note');
  return (
    <section class="admin-form" aria-labelledby="preview-title" data-testid="preview">
      <h3 id="preview-title">{t('bot.preview')}</h3>
      {props.languages.length > 1 && (
        <div class="field">
          <label for="preview-locale">{t('bot.preview.locale')}</label>
          <select id="preview-locale" value={lang} onChange={(e) => setLang(e.currentTarget.value as Locale)}>
            {props.languages.map((l) => (
              <option key={l} value={l}>
                {t(`locale.${l}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      {!started ? (
        <button type="button" class="button primary" onClick={() => void start()} data-testid="preview-start">
          {t('bot.preview.start')}
        </button>
      ) : (
        <button type="button" class="button" onClick={() => void start()} data-testid="preview-restart">
          {t('bot.preview.restart')}
        </button>
      )}
      <div role="log" aria-live="polite" aria-label={t('bot.preview.log')}>
      <ol class="admin-rows">
        {lines.map((line, i) => (
          <li key={i} class="admin-row" data-testid="preview-message" data-from={line.from}>
            <span class="hint">{line.from === 'bot' ? t('bot.preview.bot') : line.from === 'visitor' ? t('bot.preview.visitor') : ''}</span>
            {line.from === 'bot' ? <OutputView output={line.output} active={line === lastBot && !finished} onPick={(value, label) => void send({ kind: 'postback', value, label }, { from: 'visitor', text: label }, cursor, lines)} /> : <span>{line.text}</span>}
          </li>
        ))}
      </ol>
      </div>
      {started && !finished && (
        <form class="admin-form-actions" onSubmit={(e) => void submit(e)}>
          <label for="preview-input" class="visually-hidden">
            {t('bot.preview.input')}
          </label>
          <input id="preview-input" value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="preview-input" />
          <button type="submit" class="button" data-testid="preview-send">
            {t('bot.preview.send')}
          </button>
        </form>
      )}
      <p class="form-error" role="alert" data-testid="preview-error">
        {error}
      </p>
    </section>
  );
}

/** A bot bubble, as text; quick replies are buttons only while they are the current prompt. */
function OutputView({ output, active, onPick }: { output: BotOutput; active: boolean; onPick: (value: string, label: string) => void }) {
  switch (output.kind) {
    case 'text':
      return <span class="pre-wrap">{output.text}</span>;
    case 'image':
      return <img src={output.url} alt={output.alt ?? t('image.alt')} style={{ maxWidth: '160px' }} />;
    case 'card':
      return (
        <span>
          <a href={output.url} target="_blank" rel="noopener noreferrer">
            {output.title}
          </a>
          {output.description ? ` — ${output.description}` : ''}
        </span>
      );
    case 'quick_replies':
      return (
        <span>
          <span>{output.text}</span>
          <span class="admin-row-actions">
            {output.options.map((o) => (
              <button key={o.value} type="button" class="button small" disabled={!active} onClick={() => onPick(o.value, o.label)} data-testid="preview-button">
                {o.label}
              </button>
            ))}
          </span>
        </span>
      );
  }
}
