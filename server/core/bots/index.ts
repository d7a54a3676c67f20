/** The bot flow core (issue 5): validation, interpreter, version pinning, demo assistant. */
export { validateDefinition, type ValidationContext, type ValidationResult } from './validate.ts';
export {
  start,
  advance,
  wantsHuman,
  timersFor,
  type AdvanceResult,
  type BotContext,
  type BotHandoff,
  type BotInput,
  type BotTimers,
  type HandoffReason,
  type RefusalReason,
  type StepRefusal,
  type StepResult,
} from './interpreter.ts';
export { definitionFor, latestVersion } from './versions.ts';
export { businessHoursFrom } from './context.ts';
export { validateField } from './fields.ts';
export { resolveLanguage } from './text.ts';
export { DEMO_ASSISTANT, demoAssistantDefinition } from './demo-assistant.ts';
