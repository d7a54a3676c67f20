import type { BotDefinition, BotStep } from '../../../protocol/index.ts';

/** The flow as a graph: outgoing links per step, labelled by the field that holds them. */

export interface Link {
  field: string;
  to: string;
}

export function links(step: BotStep): Link[] {
  switch (step.kind) {
    case 'message':
    case 'set':
      return [{ field: 'next', to: step.next }];
    case 'ask':
      return [
        ...step.options.map((o) => ({ field: `options.${o.id}.next`, to: o.next })),
        ...(step.allowFreeText && step.freeTextNext ? [{ field: 'freeTextNext', to: step.freeTextNext }] : []),
      ];
    case 'collect':
      return [
        { field: 'next', to: step.next },
        { field: 'onFailure', to: step.onFailure },
      ];
    case 'branch':
      return [...step.cases.map((c, i) => ({ field: `cases.${i}.next`, to: c.next })), { field: 'otherwise', to: step.otherwise }];
    case 'handoff':
    case 'end':
      return [];
  }
}

export const isTerminal = (s: BotStep) => s.kind === 'handoff' || s.kind === 'end';
/** Steps that stop and wait for the visitor. */
export const waitsForInput = (s: BotStep) => s.kind === 'ask' || s.kind === 'collect';

export type StepIndex = Map<string, BotStep>;
/** First step per id (duplicates are reported by the validator). */
export function indexSteps(def: BotDefinition): StepIndex {
  const index: StepIndex = new Map();
  for (const s of def.steps) if (!index.has(s.id)) index.set(s.id, s);
  return index;
}

const successors = (index: StepIndex, id: string) => (index.get(id) ? links(index.get(id)!).map((l) => l.to).filter((to) => index.has(to)) : []);

/** Ids reachable from `start` (start included when it exists). */
export function reachableFrom(index: StepIndex, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = index.has(start) ? [start] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...successors(index, id));
  }
  return seen;
}

/** Ids from which a handoff or end step can be reached (backwards search from the terminals). */
export function canFinish(index: StepIndex): Set<string> {
  const preds = new Map<string, string[]>();
  for (const id of index.keys()) for (const to of successors(index, id)) preds.set(to, [...(preds.get(to) ?? []), id]);
  const ok = new Set<string>();
  const stack = [...index.values()].filter(isTerminal).map((s) => s.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (ok.has(id)) continue;
    ok.add(id);
    stack.push(...(preds.get(id) ?? []));
  }
  return ok;
}

/** Steps on a cycle made only of message/set/branch steps: the interpreter would spin without waiting for the visitor. */
export function loopsWithoutInput(index: StepIndex): Set<string> {
  const auto = (id: string) => {
    const s = index.get(id);
    return !!s && !waitsForInput(s) && !isTerminal(s);
  };
  const onCycle = new Set<string>();
  for (const id of index.keys()) {
    if (!auto(id)) continue;
    // Does a path of automatic steps lead from `id` back to itself?
    const seen = new Set<string>();
    const stack = successors(index, id).filter(auto);
    while (stack.length) {
      const cur = stack.pop()!;
      if (cur === id) {
        onCycle.add(id);
        break;
      }
      if (seen.has(cur)) continue;
      seen.add(cur);
      stack.push(...successors(index, cur).filter(auto));
    }
  }
  return onCycle;
}
