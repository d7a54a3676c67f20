import type { WidgetEngagement, WireCondition, WireRule } from './engagement.ts';

/**
 * The one evaluator of proactive rules (issue 20). The widget will load it as a lazy chunk for
 * websites that have rules, and the server uses it for segments and tests: pure, no clock of its
 * own (`now` in ms), and only type imports, so it costs the widget a few hundred bytes.
 *
 * Privacy: without `memory` (a visitor who has not interacted and no consent) it reads only what
 * the current page knows, and conditions needing memory never hold. It keeps nothing itself.
 */

export type Locale = 'en' | 'fr';

export interface PageContext {
  url: string;
  timeOnPageSec: number;
  scrollPercent: number;
  exitIntent: boolean;
  /** Custom events fired on this page. */
  events: readonly string[];
  attributes: Readonly<Record<string, string | number | boolean | null>>;
  /** Rules shown or dismissed on this page (kept in memory by the page, never stored). */
  shown: readonly string[];
  dismissed: readonly string[];
}

/** What is remembered for a visitor who interacted or consented (under the widget's storage rules). */
export interface Memory {
  pagesInSession: number;
  visits: number;
  returning: boolean;
  /** URLs seen earlier in this web session. */
  sessionUrls: readonly string[];
  /** Custom events fired earlier in this web session. */
  sessionEvents: readonly string[];
  conversationEvents: readonly { type: string; at: number }[];
  shownThisSession: readonly string[];
  /** Rule id → when it was last dismissed (ms). */
  dismissedAt: Readonly<Record<string, number>>;
}

export interface EvalContext {
  page: PageContext;
  locale: Locale;
  defaultLocale: Locale;
  availability: WidgetEngagement['availability'];
  memory?: Memory;
}

export interface OfferToShow {
  ruleId: string;
  type: 'offer' | 'open_assistant';
  /** In the visitor's locale, else the website's, else any; empty when the action has none. */
  message: string;
  from: { kind: 'agent' | 'assistant'; name: string } | null;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Glob match: `*` any run (slashes included), all else literal; iterative, no backtracking blow-up. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A URL pattern (protocol/engagement.ts UrlPattern) against a page URL. */
export function urlMatches(pattern: string, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (pattern.startsWith('/')) return globMatch(pattern, parsed.pathname + (pattern.includes('?') ? parsed.search : ''));
  return globMatch(pattern, parsed.href.split('#')[0]!);
}

const attributeText = (v: string | number | boolean | null | undefined) => (v === null || v === undefined ? null : String(v));

/** Whether one condition holds. Memory conditions are false without memory. */
export function conditionHolds(c: WireCondition, ctx: EvalContext, ruleId: string, now: number): boolean {
  const { page, memory } = ctx;
  switch (c.type) {
    case 'url':
      return urlMatches(c.pattern, page.url) !== c.negate;
    case 'time_on_page':
      return page.timeOnPageSec >= c.atLeastSec;
    case 'scroll_depth':
      return page.scrollPercent >= c.atLeastPercent;
    case 'exit_intent':
      return page.exitIntent;
    case 'custom_event':
      return page.events.includes(c.name) || (memory?.sessionEvents.includes(c.name) ?? false);
    case 'attribute': {
      const value = attributeText(page.attributes[c.key]);
      if (value === null) return false;
      return c.op === 'equals' ? value === c.value : value.toLowerCase().includes(c.value.toLowerCase());
    }
    case 'business_hours':
      return ctx.availability[ruleId]?.open ?? false;
    case 'agents_available':
      return ctx.availability[ruleId]?.agentsAvailable ?? false;
    case 'pages_in_session':
      return !!memory && memory.pagesInSession >= c.atLeast;
    case 'visits':
      return !!memory && memory.visits >= c.atLeast;
    case 'returning_visitor':
      return !!memory && memory.returning === c.is;
    case 'conversation_event':
      return !!memory && memory.conversationEvents.some((e) => e.type === c.event && e.at <= now && now - e.at <= c.withinHours * HOUR_MS);
    case 'visited':
      return !!memory && memory.sessionUrls.some((u) => urlMatches(c.pattern, u));
  }
}

/** Whether a rule's frequency cap lets it show now. */
export function capAllows(rule: WireRule, ctx: EvalContext, now: number): boolean {
  const { page, memory } = ctx;
  if (page.dismissed.includes(rule.id)) return false;
  if (rule.cap.oncePerSession && (page.shown.includes(rule.id) || memory?.shownThisSession.includes(rule.id))) return false;
  const dismissed = memory?.dismissedAt[rule.id];
  if (dismissed !== undefined && rule.cap.dismissCooldownDays > 0 && now - dismissed < rule.cap.dismissCooldownDays * DAY_MS) return false;
  return true;
}

function pickMessage(message: Partial<Record<Locale, string>> | undefined, ctx: EvalContext): string {
  if (!message) return '';
  return message[ctx.locale] ?? message[ctx.defaultLocale] ?? Object.values(message)[0] ?? '';
}

/** Rules by priority (higher first), ties by id so every evaluation picks the same. */
export const byPriority = (a: WireRule, b: WireRule) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The offer to show now, or null: the highest-priority rule whose conditions all hold and whose cap allows it. */
export function evaluate(rules: readonly WireRule[], ctx: EvalContext, now: number): OfferToShow | null {
  for (const rule of [...rules].sort(byPriority)) {
    if (!capAllows(rule, ctx, now)) continue;
    if (!rule.conditions.every((c) => conditionHolds(c, ctx, rule.id, now))) continue;
    const action = rule.action;
    return {
      ruleId: rule.id,
      type: action.type,
      message: pickMessage(action.message, ctx),
      from: action.type === 'offer' ? action.from : null,
    };
  }
  return null;
}

/**
 * Seconds until a rule could start to hold through time on page alone (the widget re-evaluates
 * then instead of polling), or null when no time condition is pending.
 */
export function secondsUntilNextCheck(rules: readonly WireRule[], ctx: EvalContext): number | null {
  let next: number | null = null;
  for (const rule of rules)
    for (const c of rule.conditions)
      if (c.type === 'time_on_page' && c.atLeastSec > ctx.page.timeOnPageSec) next = Math.min(next ?? Infinity, c.atLeastSec - ctx.page.timeOnPageSec);
  return next;
}
