import { BotDefinition } from '../../../protocol/index.ts';

/**
 * The assistant the demo ships on its channel: greets, asks what the visitor
 * needs, collects the email for order questions, and hands off to the General
 * queue with what it learnt. "Talk to a person" works at every question.
 */
export const DEMO_ASSISTANT = { name: 'Kettle & Leaf assistant', languages: ['en', 'fr'] as const };

export function demoAssistantDefinition(generalQueueId: string): BotDefinition {
  return BotDefinition.parse({
    start: 'greet',
    languages: ['en', 'fr'],
    steps: [
      { id: 'greet', kind: 'message', text: { en: 'Hi! I am the Kettle & Leaf assistant.', fr: "Bonjour ! Je suis l'assistant de Kettle & Leaf." }, next: 'topic' },
      {
        id: 'topic',
        kind: 'ask',
        prompt: { en: 'What can we help you with?', fr: 'Comment pouvons-nous vous aider ?' },
        attribute: 'topic',
        options: [
          { id: 'opt-order', value: 'order_status', label: { en: 'Order status', fr: 'Suivi de commande' }, next: 'order-email' },
          { id: 'opt-returns', value: 'returns', label: { en: 'Returns', fr: 'Retours' }, next: 'returns-info' },
          { id: 'opt-other', value: 'other', label: { en: 'Something else', fr: 'Autre chose' }, next: 'reason-other' },
        ],
      },
      {
        id: 'order-email',
        kind: 'collect',
        field: 'email',
        attribute: 'email',
        prompt: { en: 'What email address did you order with?', fr: 'Avec quelle adresse e-mail avez-vous commandé ?' },
        invalidPrompt: { en: 'That does not look like an email address. Could you check it?', fr: 'Cette adresse e-mail semble invalide. Pouvez-vous la vérifier ?' },
        maxAttempts: 3,
        next: 'reason-order',
        onFailure: 'handoff-general',
      },
      { id: 'reason-order', kind: 'set', attribute: 'reason', value: 'Order status', next: 'handoff-general' },
      { id: 'returns-info', kind: 'message', text: { en: 'You can return any item within 30 days of delivery.', fr: 'Vous pouvez retourner un article sous 30 jours après la livraison.' }, next: 'returns-helped' },
      {
        id: 'returns-helped',
        kind: 'ask',
        prompt: { en: 'Did that answer your question?', fr: 'Cela répond-il à votre question ?' },
        options: [
          { id: 'opt-yes', value: 'yes', label: { en: 'Yes, thanks', fr: 'Oui, merci' }, next: 'bye' },
          { id: 'opt-no', value: 'no', label: { en: 'No', fr: 'Non' }, next: 'reason-returns' },
        ],
      },
      { id: 'reason-returns', kind: 'set', attribute: 'reason', value: 'Returns', next: 'handoff-general' },
      { id: 'reason-other', kind: 'set', attribute: 'reason', value: 'Something else', next: 'handoff-general' },
      {
        id: 'handoff-general',
        kind: 'handoff',
        queueId: generalQueueId,
        message: { en: 'Thanks! I am passing you to our team.', fr: 'Merci ! Je vous passe à notre équipe.' },
      },
      { id: 'bye', kind: 'end', message: { en: 'Glad we could help. Have a nice day!', fr: 'Ravis de vous avoir aidé. Bonne journée !' } },
    ],
    settings: {
      reminderAfterSec: 120,
      closeAfterSec: 600,
      onTimeout: 'handoff',
      timeoutQueueId: generalQueueId,
      humanHandoff: {
        enabled: true,
        queueId: generalQueueId,
        keywords: { en: ['agent', 'human', 'person', 'talk to someone'], fr: ['agent', 'conseiller', 'humain', 'une personne'] },
        message: { en: 'Sure, let me get you a person.', fr: 'Bien sûr, je vous mets en relation avec un conseiller.' },
      },
    },
  });
}
