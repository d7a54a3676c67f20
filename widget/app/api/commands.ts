import type { Message } from '../../../protocol/message.ts';
import type { Attributes, BootOptions, IdentityToken, MessengerMessage } from '../../api/types.ts';
import type { MessengerClient } from '../../transport/messenger-client.ts';
import type { KeyValueStore } from '../../transport/storage.ts';
import type { MessengerElement } from '../messenger-element.ts';
import { applyTheme } from './theme.ts';

export type Emit = (event: string, payload?: unknown) => void;

export interface ApiDeps {
  element: MessengerElement;
  client: MessengerClient;
  store: KeyValueStore;
  emit: Emit;
}

/** The plain JSON a site gets with the `message` event (no internal fields). */
const plain = (m: Message): MessengerMessage => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  kind: m.kind as MessengerMessage['kind'],
  text: 'text' in m ? m.text : '',
  author: { kind: m.author.kind as 'agent' | 'bot', name: m.author.name },
  createdAt: m.createdAt,
});

/**
 * The app side of the public API: runs the commands the loader forwards (arguments
 * already checked by api/validate.ts) and reports `open`, `close`, `unread` and
 * `message` through `emit`. Returns the command runner and a cleanup.
 */
export function connectApi({ element, client, store, emit }: ApiDeps): { command(name: string, args: unknown[]): Promise<unknown>; stop(): void } {
  // The open state changes from the launcher, Escape, another tab or the API: follow the reflected attribute.
  let open = element.open;
  const observer = new MutationObserver(() => {
    if (element.open !== open) emit((open = element.open) ? 'open' : 'close');
  });
  observer.observe(element, { attributes: true, attributeFilter: ['open'] });
  let unread = client.state.unread;
  const unsubscribe = client.subscribe(() => {
    if (client.state.unread !== unread) emit('unread', (unread = client.state.unread));
  });
  const unIncoming = client.onIncoming((messages) => messages.forEach((m) => emit('message', plain(m))));

  async function command(name: string, args: unknown[]): Promise<unknown> {
    switch (name) {
      case 'boot':
        return applyTheme(element, (args[0] as BootOptions).theme ?? {});
      case 'open':
      case 'close':
      case 'toggle':
        return element.setOpen(name === 'toggle' ? !element.open : name === 'open');
      case 'show':
      case 'hide':
        return void (element.hidden = name === 'hide');
      case 'identify':
        return client.account.identify(args[0] as IdentityToken);
      case 'setAttributes':
        return client.account.setAttributes(args[0] as Attributes);
      case 'logout':
        await client.account.logout();
        element.draft = ''; // the next visitor of this browser starts clean
        return;
      case 'consent':
        return store.persist?.();
      default:
        throw new Error(`Messenger: unknown command "${name}"`);
    }
  }

  return {
    command,
    stop() {
      observer.disconnect();
      unsubscribe();
      unIncoming();
    },
  };
}
