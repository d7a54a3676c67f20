import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { toApiError } from '../api/api-error.ts';
import { errorText, t, type MessageKey } from '../i18n/index.ts';
import type { ResourceApi } from './admin-rest.ts';
import { FieldInput, type FieldSpec, type Values } from './field-inputs.tsx';

export interface SectionSpec<T extends { id: string }> {
  /** Used in test ids: `admin-<name>-form`, `admin-<name>-row`. */
  name: string;
  title: MessageKey;
  api: ResourceApi<T>;
  fields: FieldSpec[];
  createSchema: z.ZodType;
  updateSchema: z.ZodType;
  empty: () => Values;
  toForm: (item: T) => Values;
  rowLabel: (item: T) => string;
  rowDetail?: (item: T) => string;
  /** Extra checks zod cannot express (malformed placeholders…): field → message. */
  check?: (values: Values) => Record<string, string>;
  /** Rendered under the fields (live previews). */
  extra?: (values: Values) => ComponentChildren;
  /** Extra buttons or panels per row (identity secret, snippet). */
  rowExtra?: (item: T) => ComponentChildren;
  deletable?: boolean;
  /** Called after any successful write (lists other sections depend on). */
  onChanged?: () => void;
}

/** Localized text for a zod issue (the server's own messages arrive through `{ error }`). */
export function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_big') return t('admin.error.tooBig', { max: String(issue.maximum) });
  if (issue.code === 'too_small') return Number(issue.minimum) <= 1 && issue.origin === 'string' ? t('admin.error.required') : t('admin.error.tooSmall', { min: String(issue.minimum) });
  if (issue.code === 'invalid_format') return t('admin.error.format');
  return t('admin.error.invalid');
}

/** Client-side validation with the protocol schema: the parsed body, or errors keyed by field path. */
export function validate(schema: z.ZodType, body: Values): { ok: true; data: unknown } | { ok: false; errors: Record<string, string> } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issueText(issue);
    errors[String(issue.path[0] ?? 'form')] ??= issueText(issue);
  }
  return { ok: false, errors };
}

/** One admin section: a list of rows (edit / delete) and a create-or-edit form. */
export function ResourceSection<T extends { id: string }>({ spec }: { spec: SectionSpec<T> }) {
  const [items, setItems] = useState<T[]>([]);
  const [editing, setEditing] = useState<T | null>(null);
  const [values, setState] = useState<Values>(spec.empty);
  // The latest values, synchronously: a submit right after typing must not see a stale render.
  const latest = useRef(values);
  const setValues = (next: Values) => {
    latest.current = next;
    setState(next);
  };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const describe = (cause: unknown) => {
    const error = toApiError(cause);
    const local = errorText(error.code, error.message);
    return error.message && error.message !== local ? `${local} ${error.message}` : local;
  };
  const reload = () =>
    spec.api
      .list()
      .then(setItems)
      .catch((cause) => setFormError(describe(cause)));
  useEffect(() => void reload(), [spec.name]);

  const reset = () => {
    setEditing(null);
    setValues(spec.empty());
    setErrors({});
    setFormError(null);
  };

  async function submit(event: Event) {
    event.preventDefault();
    const values = latest.current;
    const body: Values = {};
    for (const field of spec.fields) {
      if ((editing && field.createOnly) || (!editing && field.editOnly)) continue;
      const value = values[field.name];
      if (editing && field.optionalOnEdit && (value === '' || value === undefined)) continue;
      if (value !== undefined) body[field.name] = value;
    }
    const extra = spec.check?.(values) ?? {};
    const result = validate(editing ? spec.updateSchema : spec.createSchema, body);
    const fieldErrors = { ...(result.ok ? {} : result.errors), ...extra };
    setErrors(fieldErrors);
    setFormError(null);
    if (!result.ok || Object.keys(extra).length > 0) {
      setFormError(t('admin.fixErrors'));
      return;
    }
    setSaving(true);
    try {
      const saved = editing ? await spec.api.update(editing.id, result.data) : await spec.api.create(result.data);
      setItems((list) => (editing ? list.map((item) => (item.id === saved.id ? saved : item)) : [...list, saved]));
      setStatus(t(editing ? 'admin.updated' : 'admin.created', { name: spec.rowLabel(saved) }));
      reset();
      spec.onChanged?.();
    } catch (cause) {
      setFormError(describe(cause));
    } finally {
      setSaving(false);
    }
  }

  async function remove(item: T) {
    if (confirming !== item.id) return setConfirming(item.id);
    setConfirming(null);
    try {
      await spec.api.remove(item.id);
      setItems((list) => list.filter((other) => other.id !== item.id));
      setStatus(t('admin.deleted', { name: spec.rowLabel(item) }));
      spec.onChanged?.();
    } catch (cause) {
      setFormError(describe(cause));
    }
  }

  const formId = `admin-${spec.name}`;
  return (
    <div class="admin-section">
      <ul class="admin-rows" aria-label={t(spec.title)}>
        {items.length === 0 && <li class="list-empty">{t('admin.emptyList')}</li>}
        {items.map((item) => (
          <li key={item.id} class="admin-row" data-testid={`admin-${spec.name}-row`} data-id={item.id}>
            <div class="admin-row-main">
              <strong>{spec.rowLabel(item)}</strong>
              {spec.rowDetail && <span class="hint">{spec.rowDetail(item)}</span>}
            </div>
            <div class="admin-row-actions">
              <button type="button" class="button small" onClick={() => (setEditing(item), setValues(spec.toForm(item)), setErrors({}), setFormError(null))} data-testid="admin-edit">
                {t('admin.edit')}
                <span class="visually-hidden"> {spec.rowLabel(item)}</span>
              </button>
              {spec.deletable !== false && (
                <button type="button" class="button small" onClick={() => void remove(item)} data-testid="admin-delete">
                  {confirming === item.id ? t('admin.confirmDelete') : t('admin.delete')}
                  <span class="visually-hidden"> {spec.rowLabel(item)}</span>
                </button>
              )}
            </div>
            {spec.rowExtra?.(item)}
          </li>
        ))}
      </ul>
      <form class="admin-form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={`${formId}-title`} data-testid={`${formId}-form`}>
        <h3 id={`${formId}-title`}>{editing ? t('admin.editing', { name: spec.rowLabel(editing) }) : t('admin.new')}</h3>
        {spec.fields
          .filter((field) => !(editing && field.createOnly) && !(!editing && field.editOnly))
          .map((field) => (
            <FieldInput
              key={field.name}
              spec={editing && field.optionalOnEdit ? { ...field, hint: 'admin.keepEmpty' } : field}
              form={formId}
              value={values[field.name]}
              onChange={(value) => setValues({ ...latest.current, [field.name]: value })}
              errors={errors}
            />
          ))}
        {spec.extra?.(values)}
        <p class="form-error" role="alert" data-testid={`${formId}-error`}>
          {formError ?? ''}
        </p>
        <div class="admin-form-actions">
          <button type="submit" class="button primary" disabled={saving} data-testid={`${formId}-submit`}>
            {editing ? t('admin.save') : t('admin.create')}
          </button>
          {editing && (
            <button type="button" class="button" onClick={reset}>
              {t('admin.cancel')}
            </button>
          )}
        </div>
      </form>
      <p class="visually-hidden" role="status">
        {status}
      </p>
    </div>
  );
}
