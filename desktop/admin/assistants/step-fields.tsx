import type { BotStep, Locale } from '../../../protocol/index.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import { setText, stepSummary, type Texts } from './draft-edit.ts';

/** One text field per assistant language; `testPrefix-<locale>` test ids. */
export function LocalizedInputs(props: {
  idBase: string;
  label: MessageKey;
  texts: Texts | undefined;
  languages: readonly Locale[];
  onChange: (texts: Texts) => void;
  testPrefix?: string;
  describedBy?: string | undefined;
  multiline?: boolean;
}) {
  return (
    <>
      {props.languages.map((lang) => {
        const id = `${props.idBase}-${lang}`;
        const value = props.texts?.[lang] ?? '';
        const onInput = (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => props.onChange(setText(props.texts, lang, e.currentTarget.value));
        const common = { id, value, 'aria-describedby': props.describedBy, 'data-testid': props.testPrefix ? `${props.testPrefix}-${lang}` : undefined };
        return (
          <div class="field" key={lang}>
            <label for={id}>{t('bot.inLanguage', { field: t(props.label), language: t(`locale.${lang}`) })}</label>
            {props.multiline ? <textarea {...common} rows={2} onInput={onInput} /> : <input {...common} onInput={onInput} />}
          </div>
        );
      })}
    </>
  );
}

/** A `next` link: every other step by id and summary. */
export function NextSelect(props: { id: string; label: MessageKey; value: string | undefined; steps: readonly BotStep[]; selfId: string; locale: Locale; onChange: (id: string) => void; testid: string }) {
  return (
    <div class="field">
      <label for={props.id}>{t(props.label)}</label>
      <select id={props.id} value={props.value ?? ''} onChange={(e) => props.onChange(e.currentTarget.value)} data-testid={props.testid}>
        <option value="">{t('bot.field.noNext')}</option>
        {props.steps
          .filter((s) => s.id !== props.selfId)
          .map((s) => (
            <option key={s.id} value={s.id}>
              {stepTitle(s, props.locale)}
            </option>
          ))}
      </select>
    </div>
  );
}

export function stepTitle(step: BotStep, locale: Locale): string {
  const summary = stepSummary(step, locale);
  return `${step.id} · ${t(`bot.kind.${step.kind}`)}${summary ? ` — ${summary.slice(0, 40)}` : ''}`;
}

/** A text input; `error` is shown inline and linked to the input. */
export function TextInput(props: { id: string; label: MessageKey; value: string; onChange: (v: string) => void; testid?: string; type?: string; error?: string | undefined; labelParams?: Record<string, string | number> }) {
  const errorId = `${props.id}-error`;
  return (
    <div class="field">
      <label for={props.id}>{t(props.label, props.labelParams)}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        onInput={(e) => props.onChange(e.currentTarget.value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
        data-testid={props.testid}
      />
      {props.error && (
        <span id={errorId} class="form-error" data-testid={props.testid ? `${props.testid}-error` : undefined}>
          {props.error}
        </span>
      )}
    </div>
  );
}

export function SelectInput(props: { id: string; label: MessageKey; value: string; options: { value: string; label: string }[]; onChange: (v: string) => void; testid?: string }) {
  return (
    <div class="field">
      <label for={props.id}>{t(props.label)}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)} data-testid={props.testid}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
