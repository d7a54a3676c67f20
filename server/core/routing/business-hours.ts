import type { BusinessHours } from '../../../protocol/index.ts';

/**
 * Whether a queue is open at an instant, in the queue's own time zone (Intl does
 * the DST arithmetic). No hours = always open; a day without entries is closed;
 * `close` before `open` spans midnight.
 */
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function localTime(at: Date, timezone: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS.indexOf(get('weekday')), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

export function isOpenAt(hours: BusinessHours | null, at: Date): boolean {
  if (!hours) return true;
  let local: { day: number; minutes: number };
  try {
    local = localTime(at, hours.timezone);
  } catch {
    return true; // a zone saved before zones were validated must not close the queue for good
  }
  return hours.days.some(({ day, open, close }) => {
    const o = toMinutes(open);
    const c = toMinutes(close);
    if (o < c) return day === local.day && local.minutes >= o && local.minutes < c;
    // Overnight: from `open` on `day` until `close` the next morning.
    return (day === local.day && local.minutes >= o) || ((day + 1) % 7 === local.day && local.minutes < c);
  });
}
