import type { BotStep, Locale, Queue } from '../../../protocol/index.ts';
import { CollectField } from '../../../protocol/index.ts';
import { t } from '../../i18n/index.ts';
import { cardUrlError, urlError } from './draft-checks.ts';
import { LocalizedInputs, NextSelect, SelectInput, TextInput } from './step-fields.tsx';

type Kind<K extends BotStep['kind']> = Extract<BotStep, { kind: K }>;
interface Props {
  step: BotStep;
  steps: readonly BotStep[];
  languages: readonly Locale[];
  locale: Locale;
  queues: readonly Queue[];
  /** Id of the step's issue list, linked to its fields. */
  describedBy: string | undefined;
  onChange: (step: BotStep) => void;
}

/** The fields of one step kind; every change replaces the step. */
export function StepForm(props: Props) {
  const { step, onChange } = props;
  const id = (field: string) => `step-${step.id}-${field}`;
  const next = (field: string, label: Parameters<typeof NextSelect>[0]['label'], value: string | undefined, set: (v: string) => void, testid = 'step-next') => (
    <NextSelect id={id(field)} label={label} value={value} steps={props.steps} selfId={step.id} locale={props.locale} onChange={set} testid={testid} />
  );
  const texts = (field: string, label: Parameters<typeof LocalizedInputs>[0]['label'], value: Partial<Record<Locale, string>> | undefined, set: (v: Partial<Record<Locale, string>>) => void, testPrefix?: string) => (
    <LocalizedInputs idBase={id(field)} label={label} texts={value} languages={props.languages} onChange={set} testPrefix={testPrefix} describedBy={props.describedBy} multiline />
  );
  switch (step.kind) {
    case 'message':
      return (
        <>
          {texts('text', 'bot.field.text', step.text, (text) => onChange({ ...step, text }), 'step-text')}
          <TextInput id={id('image')} label="bot.field.imageUrl" type="url" value={step.imageUrl ?? ''} onChange={(v) => onChange(withOptional(step, 'imageUrl', v))} error={urlError(step.imageUrl)} />
          <CardFields {...props} step={step} />
          {next('next', 'bot.field.next', step.next, (v) => onChange({ ...step, next: v }))}
        </>
      );
    case 'ask':
      return <AskFields {...props} step={step} />;
    case 'collect':
      return (
        <>
          <SelectInput id={id('field')} label="bot.field.collectField" value={step.field} options={CollectField.options.map((f) => ({ value: f, label: t(`bot.collect.${f}`) }))} onChange={(v) => onChange({ ...step, field: v as Kind<'collect'>['field'] })} />
          <TextInput id={id('attribute')} label="bot.field.attribute" value={step.attribute} onChange={(v) => onChange({ ...step, attribute: v })} />
          {texts('prompt', 'bot.field.prompt', step.prompt, (prompt) => onChange({ ...step, prompt }), 'step-text')}
          {texts('invalid', 'bot.field.invalidPrompt', step.invalidPrompt, (invalidPrompt) => onChange({ ...step, invalidPrompt }))}
          {next('next', 'bot.field.next', step.next, (v) => onChange({ ...step, next: v }))}
          {next('failure', 'bot.field.onFailure', step.onFailure, (v) => onChange({ ...step, onFailure: v }), 'step-failure')}
        </>
      );
    case 'branch':
      return <BranchFields {...props} step={step} />;
    case 'set':
      return (
        <>
          <TextInput id={id('attribute')} label="bot.field.attribute" value={step.attribute} onChange={(v) => onChange({ ...step, attribute: v })} />
          <TextInput id={id('value')} label="bot.field.value" value={step.value} onChange={(v) => onChange({ ...step, value: v })} />
          {next('next', 'bot.field.next', step.next, (v) => onChange({ ...step, next: v }))}
        </>
      );
    case 'handoff':
      return (
        <>
          <SelectInput id={id('queue')} label="bot.field.queue" value={step.queueId} options={[{ value: '', label: t('bot.field.noQueue') }, ...props.queues.map((q) => ({ value: q.id, label: q.name }))]} onChange={(v) => onChange({ ...step, queueId: v })} testid="step-queue" />
          {texts('message', 'bot.field.handoffMessage', step.message, (message) => onChange({ ...step, message }), 'step-text')}
        </>
      );
    case 'end':
      return texts('message', 'bot.field.endMessage', step.message, (message) => onChange(Object.keys(message).length ? { ...step, message } : { id: step.id, kind: 'end' }), 'step-text');
  }
}

function withOptional<S extends BotStep, K extends keyof S>(step: S, key: K, value: string): S {
  const copy = { ...step };
  if (value.trim()) (copy as Record<K, unknown>)[key] = value.trim();
  else delete copy[key];
  return copy;
}

/** Prompt, then one fieldset per quick-reply option (label per language, value, where it leads). */
function AskFields(props: Props & { step: Kind<'ask'> }) {
  const { step, onChange } = props;
  const setOption = (i: number, patch: Partial<Kind<'ask'>['options'][number]>) => onChange({ ...step, options: step.options.map((o, j) => (i === j ? { ...o, ...patch } : o)) });
  const addOption = () => {
    let n = step.options.length + 1;
    while (step.options.some((o) => o.id === `${step.id}-o${n}`)) n += 1;
    onChange({ ...step, options: [...step.options, { id: `${step.id}-o${n}`, label: {}, value: `option-${n}`, next: '' }] });
  };
  return (
    <>
      <LocalizedInputs idBase={`step-${step.id}-prompt`} label="bot.field.prompt" texts={step.prompt} languages={props.languages} onChange={(prompt) => onChange({ ...step, prompt })} testPrefix="step-text" describedBy={props.describedBy} multiline />
      {step.options.map((option, i) => (
        <fieldset key={option.id} class="admin-form" data-testid="step-option">
          <legend>{t('bot.field.option', { n: i + 1 })}</legend>
          <LocalizedInputs idBase={`step-${step.id}-${option.id}-label`} label="bot.field.optionLabel" texts={option.label} languages={props.languages} onChange={(label) => setOption(i, { label })} testPrefix="step-option-label" />
          <TextInput id={`step-${step.id}-${option.id}-value`} label="bot.field.optionValue" value={option.value} onChange={(value) => setOption(i, { value })} testid="step-option-value" />
          <NextSelect id={`step-${step.id}-${option.id}-next`} label="bot.field.optionNext" value={option.next} steps={props.steps} selfId={step.id} locale={props.locale} onChange={(next) => setOption(i, { next })} testid="step-option-next" />
          {step.options.length > 1 && (
            <button type="button" class="button small" onClick={() => onChange({ ...step, options: step.options.filter((_, j) => j !== i) })}>
              {t('bot.field.removeOption', { n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {step.options.length < 10 && (
        <button type="button" class="button small" onClick={addOption} data-testid="step-add-option">
          {t('bot.field.addOption')}
        </button>
      )}
      <label class="check">
        <input type="checkbox" checked={step.allowFreeText} onChange={(e) => onChange({ ...step, allowFreeText: e.currentTarget.checked })} />
        {t('bot.field.allowFreeText')}
      </label>
      {step.allowFreeText && <NextSelect id={`step-${step.id}-free`} label="bot.field.freeTextNext" value={step.freeTextNext} steps={props.steps} selfId={step.id} locale={props.locale} onChange={(freeTextNext) => onChange({ ...step, freeTextNext })} testid="step-free-next" />}
      <TextInput id={`step-${step.id}-attribute`} label="bot.field.attributeOptional" value={step.attribute ?? ''} onChange={(v) => onChange(withOptional(step, 'attribute', v))} />
    </>
  );
}

/** What to compare, then cases (value → step) and the fallback. */
function BranchFields(props: Props & { step: Kind<'branch'> }) {
  const { step, onChange } = props;
  const on = step.on;
  const setOn = (kind: string) => {
    const fresh = kind === 'answer' ? { kind, stepId: '' } : kind === 'attribute' ? { kind, name: '' } : kind === 'business_hours' ? { kind, queueId: props.queues[0]?.id ?? '' } : { kind: 'language' };
    onChange({ ...step, on: fresh as Kind<'branch'>['on'] });
  };
  const id = (f: string) => `step-${step.id}-${f}`;
  return (
    <>
      <SelectInput id={id('on')} label="bot.field.branchOn" value={on.kind} options={(['answer', 'attribute', 'language', 'business_hours'] as const).map((k) => ({ value: k, label: t(`bot.branch.${k}`) }))} onChange={setOn} />
      {on.kind === 'answer' && <NextSelect id={id('answer')} label="bot.field.answerStep" value={on.stepId} steps={props.steps} selfId={step.id} locale={props.locale} onChange={(stepId) => onChange({ ...step, on: { ...on, stepId } })} testid="step-branch-answer" />}
      {on.kind === 'attribute' && <TextInput id={id('attr')} label="bot.field.attribute" value={on.name} onChange={(name) => onChange({ ...step, on: { ...on, name } })} />}
      {on.kind === 'business_hours' && <SelectInput id={id('hours')} label="bot.field.queue" value={on.queueId} options={props.queues.map((q) => ({ value: q.id, label: q.name }))} onChange={(queueId) => onChange({ ...step, on: { ...on, queueId } })} />}
      {step.cases.map((c, i) => (
        <fieldset key={i} class="admin-form">
          <legend>{t('bot.field.case', { n: i + 1 })}</legend>
          <TextInput id={id(`case-${i}`)} label="bot.field.equals" value={c.equals} onChange={(equals) => onChange({ ...step, cases: step.cases.map((x, j) => (j === i ? { ...x, equals } : x)) })} testid="step-case-equals" />
          <NextSelect id={id(`case-${i}-next`)} label="bot.field.next" value={c.next} steps={props.steps} selfId={step.id} locale={props.locale} onChange={(next) => onChange({ ...step, cases: step.cases.map((x, j) => (j === i ? { ...x, next } : x)) })} testid="step-case-next" />
          <button type="button" class="button small" onClick={() => onChange({ ...step, cases: step.cases.filter((_, j) => j !== i) })}>
            {t('bot.field.removeCase', { n: i + 1 })}
          </button>
        </fieldset>
      ))}
      <button type="button" class="button small" onClick={() => onChange({ ...step, cases: [...step.cases, { equals: '', next: '' }] })}>
        {t('bot.field.addCase')}
      </button>
      <NextSelect id={id('otherwise')} label="bot.field.otherwise" value={step.otherwise} steps={props.steps} selfId={step.id} locale={props.locale} onChange={(otherwise) => onChange({ ...step, otherwise })} testid="step-otherwise" />
    </>
  );
}

type Card = NonNullable<Kind<'message'>['card']>;
/** Optional link card: an empty card (no title, description or link) is removed from the step. */
function CardFields(props: Props & { step: Kind<'message'> }) {
  const { step, onChange } = props;
  const setCard = (patch: Partial<Card>) => {
    const card: Card = { title: {}, url: '', ...step.card, ...patch };
    if (card.description && Object.keys(card.description).length === 0) delete card.description;
    const { card: _drop, ...rest } = step;
    const empty = Object.keys(card.title).length === 0 && !card.description && card.url.trim() === '';
    onChange(empty ? rest : { ...step, card: { ...card, url: card.url.trim() } });
  };
  const idBase = `step-${step.id}-card`;
  return (
    <fieldset class="admin-form" data-testid="message-card">
      <legend>{t('bot.field.card')}</legend>
      <LocalizedInputs idBase={`${idBase}-title`} label="bot.field.cardTitle" texts={step.card?.title} languages={props.languages} onChange={(title) => setCard({ title })} testPrefix="message-card-title" />
      <LocalizedInputs idBase={`${idBase}-description`} label="bot.field.cardDescription" texts={step.card?.description} languages={props.languages} onChange={(description) => setCard({ description })} testPrefix="message-card-description" multiline />
      <TextInput id={`${idBase}-url`} label="bot.field.cardUrl" type="url" value={step.card?.url ?? ''} onChange={(url) => setCard({ url })} testid="message-card-url" error={cardUrlError(step.card)} />
    </fieldset>
  );
}
