import { useEffect, useState } from 'preact/hooks';
import type { MediaChannel, PresenceState } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';
import type { Presence, SelectableState } from '../state/presence.ts';

const SELECTABLE: readonly SelectableState[] = ['ready', 'not_ready', 'away'];
const REASONS = ['break', 'lunch', 'meeting', 'training', 'admin'] as const;
const isSelectable = (state: PresenceState): state is SelectableState => (SELECTABLE as readonly string[]).includes(state);

/** One status control per channel the agent has; Refused/Offline (set by the system) are shown distinctly. */
export function PresenceSelector({ presence }: { presence: Presence }) {
  const channels = presence.channels.value;
  if (channels.length === 0) return null;
  return (
    <div class="presence" role="group" aria-label={t('presence.group')}>
      {channels.map((channel) => (
        <ChannelStatus key={channel} presence={presence} channel={channel} />
      ))}
      {presence.error.value && (
        <p class="form-error" role="alert">
          {presence.error.value}
        </p>
      )}
    </div>
  );
}

function ChannelStatus({ presence, channel }: { presence: Presence; channel: MediaChannel }) {
  const current = presence.of(channel);
  const state: PresenceState = current?.state ?? 'offline';
  const busy = presence.busy.value.has(channel);
  const channelName = t(`channel.${channel}`);
  const selectId = `presence-${channel}`;
  const hintId = `presence-hint-${channel}`;
  const systemSet = !isSelectable(state);

  return (
    <div class={`presence-channel presence-${state}`}>
      <label for={selectId} class="visually-hidden">
        {t('presence.label', { channel: channelName })}
      </label>
      <span class="presence-channel-name" aria-hidden="true">
        {channelName}
      </span>
      <span class="presence-dot" aria-hidden="true" />
      <select
        id={selectId}
        value={state}
        disabled={busy}
        aria-describedby={systemSet ? hintId : undefined}
        data-testid="presence-select"
        data-channel={channel}
        data-state={state}
        onChange={(event) => {
          const next = event.currentTarget.value as PresenceState;
          if (isSelectable(next)) void presence.set(channel, next);
        }}
      >
        {systemSet && (
          <option value={state} disabled>
            {t(`presence.${state}`)}
          </option>
        )}
        {SELECTABLE.map((option) => (
          <option key={option} value={option}>
            {t(`presence.${option}`)}
          </option>
        ))}
      </select>
      {systemSet && (
        <span id={hintId} class="presence-hint" data-testid="presence-hint">
          {t('presence.hint')}
        </span>
      )}
      {state === 'not_ready' && <ReasonField presence={presence} channel={channel} current={current?.reason ?? ''} busy={busy} />}
    </div>
  );
}

/** Not Ready reason: picked from a short list (datalist) or typed; Enter or leaving the field applies it. */
function ReasonField({ presence, channel, current, busy }: { presence: Presence; channel: MediaChannel; current: string; busy: boolean }) {
  const [value, setValue] = useState(current);
  useEffect(() => setValue(current), [current]);
  const listId = `presence-reasons-${channel}`;
  const apply = (text: string) => {
    if (text.trim() !== current) void presence.set(channel, 'not_ready', text);
  };
  return (
    <form
      class="presence-reason"
      onSubmit={(event) => {
        event.preventDefault();
        apply(value);
      }}
    >
      <label>
        <span class="visually-hidden">{t('presence.reasonLabel', { channel: t(`channel.${channel}`) })}</span>
        <input
          list={listId}
          value={value}
          maxLength={100}
          disabled={busy}
          placeholder={t('presence.reasonPlaceholder')}
          onInput={(event) => setValue(event.currentTarget.value)}
          onChange={(event) => apply(event.currentTarget.value)}
          data-testid="presence-reason"
          data-channel={channel}
        />
      </label>
      <datalist id={listId}>
        {REASONS.map((reason) => (
          <option key={reason} value={t(`presence.reason.${reason}`)} />
        ))}
      </datalist>
      <button type="submit" class="visually-hidden">
        {t('presence.reasonApply')}
      </button>
    </form>
  );
}
