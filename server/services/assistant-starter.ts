import type { BotDefinitionInput, Locale } from '../../protocol/index.ts';

/**
 * The draft a new assistant opens with (issue 5): a greeting, a question with two
 * buttons, a handoff to the given queue or an end, in each of its languages.
 */
const T = {
  greet: { en: 'Hi! How can we help you today?', fr: "Bonjour ! Comment pouvons-nous vous aider aujourd'hui ?" },
  ask: { en: 'Would you like to talk to someone?', fr: 'Souhaitez-vous parler à quelqu’un ?' },
  yes: { en: 'Yes, please', fr: 'Oui, merci' },
  no: { en: 'No, thanks', fr: 'Non, merci' },
  handoff: { en: 'I am passing you to our team.', fr: 'Je vous passe à notre équipe.' },
  bye: { en: 'Have a nice day!', fr: 'Bonne journée !' },
  human: { en: 'Sure, let me get you a person.', fr: 'Bien sûr, je vous mets en relation avec un conseiller.' },
} as const;
const KEYWORDS: Record<Locale, string[]> = { en: ['agent', 'human', 'person'], fr: ['agent', 'conseiller', 'humain'] };

const pick = <V>(texts: Record<Locale, V>, languages: readonly Locale[]) => Object.fromEntries(languages.map((l) => [l, texts[l]])) as Partial<Record<Locale, V>>;

export function starterDefinition(languages: readonly Locale[], queueId: string): BotDefinitionInput {
  const t = (k: keyof typeof T) => pick(T[k], languages);
  return {
    start: 'greet',
    languages: [...languages],
    steps: [
      { id: 'greet', kind: 'message', text: t('greet'), next: 'ask' },
      {
        id: 'ask',
        kind: 'ask',
        prompt: t('ask'),
        options: [
          { id: 'opt-yes', value: 'yes', label: t('yes'), next: 'handoff' },
          { id: 'opt-no', value: 'no', label: t('no'), next: 'end' },
        ],
      },
      { id: 'handoff', kind: 'handoff', queueId, message: t('handoff') },
      { id: 'end', kind: 'end', message: t('bye') },
    ],
    settings: { humanHandoff: { enabled: true, queueId, keywords: pick(KEYWORDS, languages), message: t('human') } },
  };
}
