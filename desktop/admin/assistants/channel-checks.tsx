import type { Assistant, Website } from '../../../protocol/index.ts';
import { t } from '../../i18n/index.ts';

/** One checkbox per website (channel); a channel another assistant runs says it would be replaced. */
export function ChannelChecks(props: {
  assistant: Assistant;
  others: readonly Assistant[];
  websites: readonly Website[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  disabled?: boolean;
  testid: string;
}) {
  const holder = (websiteId: string) => props.others.find((a) => a.id !== props.assistant.id && a.channels.includes(websiteId));
  return (
    <>
      {props.websites.map((w) => {
        const other = holder(w.id);
        return (
          <label key={w.id} class="check">
            <input
              type="checkbox"
              disabled={props.disabled}
              checked={props.chosen.includes(w.id)}
              onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.chosen, w.id] : props.chosen.filter((id) => id !== w.id))}
              data-testid={props.testid}
              data-website-id={w.id}
            />
            {w.name}
            {other && <span class="hint"> — {t('bot.publish.replaces', { name: other.name })}</span>}
          </label>
        );
      })}
    </>
  );
}
