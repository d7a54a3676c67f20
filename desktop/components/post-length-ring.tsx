import { MAX_POST_LENGTH, postLengthTone, type PostLength } from '../../protocol/post-length-rules.ts';
import { t } from '../i18n/index.ts';

/**
 * The reply-length indicator of seed 000: a small grey circle that fills as the reply grows (twitter-text's
 * `permillage`), turns yellow with a countdown for the last 20 characters, and red past 280, when Send is
 * blocked (the reply box disables it on `!valid`). Public replies only; DMs have their own limit.
 */
const R = 9;
/** Grey while filling, yellow near the limit, red over it (the seed's colours; text colours in desktop.css). */
const STROKE = { normal: '#59606d', warn: '#d9a400', over: '#b3261e' } as const;
const CIRCUMFERENCE = 2 * Math.PI * R;

/** `length` null: the counter is still loading (an empty grey ring). */
export function PostLengthRing({ length: given }: { length: PostLength | null }) {
  const length = given ?? { weightedLength: 0, valid: false, permillage: 0, remaining: MAX_POST_LENGTH };
  const tone = postLengthTone(length);
  const filled = (Math.min(length.permillage, 1000) / 1000) * CIRCUMFERENCE;
  return (
    <span class={`post-length post-length-${tone}`} data-testid="post-length" data-tone={tone} aria-busy={given ? undefined : 'true'}>
      <svg width="24" height="24" viewBox="0 0 24 24" role="img" aria-label={t('xpublic.length', { used: String(length.weightedLength), max: String(MAX_POST_LENGTH) })}>
        <circle class="post-length-track" cx="12" cy="12" r={R} fill="none" stroke-width="3" stroke={tone === 'over' ? STROKE.over : '#d9dce1'} />
        <circle class="post-length-fill" cx="12" cy="12" r={R} fill="none" stroke-width="3" stroke={STROKE[tone]} stroke-dasharray={`${filled} ${CIRCUMFERENCE}`} transform="rotate(-90 12 12)" data-testid="post-length-fill" />
      </svg>
      {tone !== 'normal' && (
        <span class="post-length-count" data-testid="post-length-count" aria-live="polite" title={length.remaining < 0 ? t('xpublic.over', { count: String(-length.remaining) }) : t('xpublic.remaining', { count: String(length.remaining) })}>
          {length.remaining}
        </span>
      )}
    </span>
  );
}
