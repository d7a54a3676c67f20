import type { BusinessHours } from '../../protocol/index.ts';
import { t, type MessageKey } from '../i18n/index.ts';

export type FieldKind = 'text' | 'email' | 'password' | 'number' | 'textarea' | 'select' | 'checks' | 'checkbox' | 'lines' | 'color' | 'hours';
export type Option = { value: string; label: string };

export interface FieldSpec {
  name: string;
  label: MessageKey;
  kind: FieldKind;
  options?: () => Option[];
  /** Sent only when creating (e.g. email, website key). */
  createOnly?: boolean;
  /** Shown and sent only when editing (e.g. an account's Active switch). */
  editOnly?: boolean;
  /** Left out of an update when empty (password reset). */
  optionalOnEdit?: boolean;
  /** For selects: the empty choice and what it sends (null = "global"). */
  emptyOption?: MessageKey;
  hint?: MessageKey;
  /** For numbers: an empty input sends null ("none", e.g. keep forever) rather than leaving the field out. */
  nullable?: boolean;
  min?: number;
  max?: number;
}

export type Values = Record<string, unknown>;
type Change = (value: unknown) => void;

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0] as const;

/** Weekday rows with open/close times, in one time zone; "always open" = null. */
function HoursEditor({ id, value, onChange, errors }: { id: string; value: BusinessHours | null; onChange: Change; errors: Record<string, string> }) {
  const always = value === null;
  const hours: BusinessHours = value ?? { timezone: 'Europe/Paris', days: [] };
  const setDay = (day: number, patch: { open?: string; close?: string } | null) => {
    const others = hours.days.filter((d) => d.day !== day);
    const current = hours.days.find((d) => d.day === day) ?? { day, open: '09:00', close: '18:00' };
    const days = patch === null ? others : [...others, { ...current, ...patch }].sort((a, b) => a.day - b.day);
    onChange({ ...hours, days });
  };
  return (
    <fieldset class="hours-editor" id={id}>
      <legend>{t('admin.queue.hours')}</legend>
      <label class="check">
        <input type="checkbox" checked={always} onChange={(e) => onChange(e.currentTarget.checked ? null : { timezone: 'Europe/Paris', days: [] })} />
        {t('admin.queue.alwaysOpen')}
      </label>
      {!always && (
        <>
          <label class="field inline">
            <span>{t('admin.queue.timezone')}</span>
            <input value={hours.timezone} onInput={(e) => onChange({ ...hours, timezone: e.currentTarget.value })} data-testid="hours-timezone" />
          </label>
          {WEEKDAYS.map((day) => {
            const entry = hours.days.find((d) => d.day === day);
            const dayName = t(`admin.weekday.${day}` as MessageKey);
            return (
              <div key={day} class="hours-row" data-testid="hours-row">
                <label class="check">
                  <input type="checkbox" checked={!!entry} onChange={(e) => setDay(day, e.currentTarget.checked ? {} : null)} />
                  {dayName}
                </label>
                {entry && (
                  <>
                    <label class="field inline">
                      <span>{t('admin.queue.open')}</span>
                      <input type="time" value={entry.open} onInput={(e) => setDay(day, { open: e.currentTarget.value })} aria-label={`${dayName} ${t('admin.queue.open')}`} />
                    </label>
                    <label class="field inline">
                      <span>{t('admin.queue.close')}</span>
                      <input type="time" value={entry.close} onInput={(e) => setDay(day, { close: e.currentTarget.value })} aria-label={`${dayName} ${t('admin.queue.close')}`} />
                    </label>
                  </>
                )}
              </div>
            );
          })}
          {hours.days.length === 0 && (
            <p class="hint warning" role="status" data-testid="hours-never-open">
              {t('admin.queue.neverOpen')}
            </p>
          )}
        </>
      )}
      {Object.entries(errors)
        .filter(([key]) => key.startsWith('businessHours'))
        .map(([key, message]) => (
          <p key={key} class="form-error">{message}</p>
        ))}
    </fieldset>
  );
}

/** A list of one-line values (allowed origins) with add / remove. */
function LinesEditor({ spec, id, value, onChange, errors }: { spec: FieldSpec; id: string; value: string[]; onChange: Change; errors: Record<string, string> }) {
  return (
    <fieldset class="lines-editor" id={id} data-testid={`lines-${spec.name}`}>
      <legend>{t(spec.label)}</legend>
      {value.map((line, index) => (
        <div key={index} class="line-row">
          <input
            value={line}
            aria-label={`${t(spec.label)} ${index + 1}`}
            aria-invalid={errors[`${spec.name}.${index}`] ? 'true' : undefined}
            onInput={(e) => onChange(value.map((v, i) => (i === index ? e.currentTarget.value : v)))}
            data-testid={`line-${spec.name}`}
          />
          <button type="button" class="button small" onClick={() => onChange(value.filter((_, i) => i !== index))} aria-label={t('admin.removeLine', { index: index + 1 })}>
            {t('admin.remove')}
          </button>
          {errors[`${spec.name}.${index}`] && <span class="form-error">{errors[`${spec.name}.${index}`]}</span>}
        </div>
      ))}
      <button type="button" class="button small" onClick={() => onChange([...value, ''])} data-testid={`add-${spec.name}`}>
        {t('admin.addLine')}
      </button>
    </fieldset>
  );
}

/** One labelled input for a field spec; its error is linked with aria-describedby. */
export function FieldInput({ spec, form, value, onChange, errors }: { spec: FieldSpec; form: string; value: unknown; onChange: Change; errors: Record<string, string> }) {
  // `-field-`: a field named like the form's own parts (its `-title` heading) must not share their id.
  const id = `${form}-field-${spec.name}`;
  const error = errors[spec.name];
  const errorId = `${id}-error`;
  const describedBy = error ? errorId : undefined;
  const errorLine = error ? <span id={errorId} class="form-error" data-testid={`error-${spec.name}`}>{error}</span> : null;

  if (spec.kind === 'hours') return <HoursEditor id={id} value={(value as BusinessHours | null) ?? null} onChange={onChange} errors={errors} />;
  if (spec.kind === 'lines') return <LinesEditor spec={spec} id={id} value={(value as string[]) ?? []} onChange={onChange} errors={errors} />;
  if (spec.kind === 'checks') {
    const chosen = (value as string[]) ?? [];
    const options = spec.options?.() ?? [];
    return (
      <fieldset class="checks" id={id} aria-describedby={describedBy}>
        <legend>{t(spec.label)}</legend>
        {options.length === 0 && <span class="hint">{t('admin.noOptions')}</span>}
        {options.map((option) => (
          <label key={option.value} class="check">
            <input
              type="checkbox"
              checked={chosen.includes(option.value)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, option.value] : chosen.filter((v) => v !== option.value))}
            />
            {option.label}
          </label>
        ))}
        {errorLine}
      </fieldset>
    );
  }
  if (spec.kind === 'checkbox') {
    const hintId = spec.hint ? `${id}-hint` : undefined;
    const box = (
      <label class="check">
        <input id={id} type="checkbox" checked={value === true} aria-describedby={hintId} onChange={(e) => onChange(e.currentTarget.checked)} />
        {t(spec.label)}
      </label>
    );
    if (!spec.hint) return box;
    return (
      <div class="field">
        {box}
        <span class="hint" id={hintId}>
          {t(spec.hint)}
        </span>
      </div>
    );
  }
  const common = { id, name: spec.name, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': describedBy };
  let input;
  if (spec.kind === 'textarea') input = <textarea {...common} rows={4} value={(value as string) ?? ''} onInput={(e) => onChange(e.currentTarget.value)} />;
  else if (spec.kind === 'select')
    input = (
      <select {...common} value={(value as string | null) ?? ''} onChange={(e) => onChange(e.currentTarget.value || (spec.emptyOption ? null : ''))}>
        {spec.emptyOption && <option value="">{t(spec.emptyOption)}</option>}
        {(spec.options?.() ?? []).map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  else if (spec.kind === 'number')
    input = (
      <input
        {...common}
        type="number"
        min={spec.min}
        max={spec.max}
        value={value === undefined || value === null ? '' : String(value)}
        onInput={(e) => onChange(e.currentTarget.value === '' ? (spec.nullable ? null : undefined) : Number(e.currentTarget.value))}
      />
    );
  else input = <input {...common} type={spec.kind} value={(value as string) ?? ''} onInput={(e) => onChange(e.currentTarget.value)} autoComplete={spec.kind === 'password' ? 'new-password' : 'off'} />;
  return (
    <div class="field">
      <label for={id}>{t(spec.label)}</label>
      {input}
      {spec.hint && <span class="hint">{t(spec.hint)}</span>}
      {errorLine}
    </div>
  );
}
