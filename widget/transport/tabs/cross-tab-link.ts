import type { Ack } from '../../../protocol/result.ts';
import {
  NO_ANSWER, unavailable,
  type LinkFactory, type LinkStatus, type RequestPayload, type RequestResult, type ServerEvent, type ServerHandlers, type ServerPayloads, type VisitorLink, type VisitorRequest,
} from '../visitor-socket.ts';

/**
 * One connection per browser. Every tab of the site joins a group named after the website
 * key: the tab holding the Web Lock (the leader) opens the real socket and serves the others
 * over a BroadcastChannel: it runs their requests and relays server events and link status.
 * When the leader goes away (tab closed, page left) the browser hands the lock to another
 * tab, which opens a new socket; every tab sees disconnect → connect and resyncs from its
 * cursor, and the outbox (shared storage, idempotent by clientId) sends what was pending.
 */
export interface CrossTab {
  factory: LinkFactory;
  /** True in the tab that holds the socket (and when tabs cannot share one). */
  leading(): boolean;
}

/**
 * The calls relayed between tabs, typed by event name through the maps of visitor-socket.ts: a server
 * event the leader passes on, a follower's request the leader runs, and its answer (the asking tab
 * knows by the id which request it answers).
 */
type Relayed<E extends ServerEvent = ServerEvent> = { k: 'ev'; e: E; p: ServerPayloads[E] };
type Forwarded<K extends VisitorRequest = VisitorRequest> = { k: 'req'; id: string; e: K; p: RequestPayload<K>; t: number };
type Answer<K extends VisitorRequest = VisitorRequest> = Ack<RequestResult<K>>;

/** Wire between tabs; only same-origin scripts can post on a BroadcastChannel. */
type TabMessage = { k: 'hi' } | { k: 'kick' } | { k: 'st'; s: LinkStatus } | Relayed | Forwarded | { k: 'ack'; id: string; a: Answer };

/** Bump when TabMessage changes: tabs running another widget version then keep their own socket. */
const GROUP_VERSION = 1;

/** `shared()` is asked when the link is made: false (storage not shared yet, or blocked) → this tab keeps its own socket. */
export function crossTab(websiteKey: string, inner: LinkFactory, shared: () => boolean = () => true): CrossTab {
  let leads = true;
  return {
    factory: (auth) => {
      leads = !navigator.locks || typeof BroadcastChannel !== 'function' || !shared();
      return leads ? inner(auth) : tabLink(`parley:${websiteKey}:tabs:${GROUP_VERSION}`, () => inner(auth), (on) => (leads = on));
    },
    leading: () => leads,
  };
}


/** Closures rather than a class: the minifier shortens local names, not properties (widget budget). */
function tabLink(name: string, open: () => VisitorLink, leading: (on: boolean) => void): VisitorLink {
  /** The real link while this tab leads. */
  let real: VisitorLink | null = null;
  let channel: BroadcastChannel | null = null;
  let joined: AbortController | null = null;
  let releaseLock = () => {};
  /** A follower's view of the leader's socket. */
  let leaderUp = false;
  let nextId = 0;
  /** This tab's client's handler of each server event. */
  const handlers: Partial<ServerHandlers> = {};
  const statusHandlers: ((s: LinkStatus) => void)[] = [];
  const pending = new Map<string, (answer: Answer) => void>();
  const tabId = Math.random().toString(36).slice(2);
  const post = (m: TabMessage) => channel?.postMessage(m);
  const status = (s: LinkStatus) => statusHandlers.forEach((h) => h(s));

  /** Requests in flight die with the leader's socket, as they do on a real one. */
  const setLeaderUp = (up: boolean) => {
    const was = link.connected;
    leaderUp = up;
    if (!up) pending.forEach((done) => done(unavailable(NO_ANSWER)));
    if (was !== up) status({ type: up ? 'connect' : 'disconnect' });
  };

  /** While leading: a server event goes to this tab's client and to every other tab. */
  const relay = (event: ServerEvent) => {
    const socket = real;
    socket?.on(event, (payload: ServerPayloads[typeof event]) => {
      if (real !== socket) return;
      deliver(event, payload);
      post({ k: 'ev', e: event, p: payload });
    });
  };
  const deliver = <E extends ServerEvent>(event: E, payload: ServerPayloads[E]) => handlers[event]?.(payload);

  /**
   * While leading: runs a request on the socket (for this tab, or for the tab that asked by id).
   * A message the visitor sent goes to every tab too: the server does not push it to the socket
   * that created the session with it, and the other tabs must show it all the same.
   */
  const serve = async <K extends VisitorRequest>(socket: VisitorLink, event: K, payload: RequestPayload<K>, timeoutMs: number, from?: string): Promise<Answer<K>> => {
    const answer = await socket.request(event, payload, timeoutMs);
    if (from) post({ k: 'ack', id: from, a: answer });
    const sent = answer.ok && answer.data && 'message' in answer.data && answer.data.message;
    if (sent && real) {
      if (from) deliver('message', sent);
      post({ k: 'ev', e: 'message', p: sent });
    }
    return answer;
  };

  const lead = () => {
    // Whatever this tab knew of the previous leader's socket is gone with it.
    setLeaderUp(false);
    post({ k: 'st', s: { type: 'disconnect' } });
    const socket = (real = open());
    leading(true);
    (Object.keys(handlers) as ServerEvent[]).forEach(relay);
    socket.onStatus((s) => {
      if (real !== socket) return;
      status(s);
      post({ k: 'st', s });
    });
    socket.connect();
  };

  const receive = (m: TabMessage) => {
    if (!m || typeof m !== 'object') return;
    if (real) {
      if (m.k === 'hi') post({ k: 'st', s: { type: real.connected ? 'connect' : 'disconnect' } });
      if (m.k === 'kick') real.forceReconnect();
      if (m.k === 'req' && typeof m.e === 'string') void serve(real, m.e, m.p, Math.min(+m.t || 10_000, 60_000), m.id);
    } else if (m.k === 'ack') pending.get(m.id)?.(m.a);
    else if (m.k === 'ev') deliver(m.e, m.p);
    else if (m.k === 'st' && m.s) {
      if (m.s.type === 'connect_error') status(m.s);
      else setLeaderUp(m.s.type === 'connect');
    }
  };

  const link: VisitorLink = {
    get connected() {
      return real ? real.connected : leaderUp;
    },
    request(event, payload, timeoutMs) {
      if (real) return serve(real, event, payload, timeoutMs);
      return new Promise((resolve) => {
        const id = `${tabId}:${++nextId}`;
        const done = (answer: Answer) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(answer as Answer<typeof event>); // the leader answered the request this id names
        };
        const timer = setTimeout(() => done(unavailable(NO_ANSWER)), timeoutMs);
        pending.set(id, done);
        post({ k: 'req', id, e: event, p: payload, t: timeoutMs });
      });
    },
    on(event, handler) {
      const known = event in handlers;
      handlers[event] = handler;
      if (!known) relay(event);
    },
    onStatus: (handler) => void statusHandlers.push(handler),
    /** Joins the tab group: waits for the lock (leads when granted) and follows meanwhile. */
    connect() {
      if (joined) return real?.connect();
      const mine = (joined = new AbortController());
      channel = new BroadcastChannel(name);
      channel.onmessage = (e: MessageEvent<TabMessage>) => receive(e.data);
      post({ k: 'hi' });
      navigator.locks
        .request(name, { signal: mine.signal }, () =>
          new Promise<void>((release) => {
            releaseLock = release;
            if (joined === mine) lead();
            else release();
          }),
        )
        .catch(() => {}); // aborted by close()
    },
    forceReconnect: () => (real ? real.forceReconnect() : post({ k: 'kick' })),
    /** Leaves the group (offline, widget destroyed): closes the socket if leading, frees the lock for another tab. */
    close() {
      joined?.abort();
      joined = null;
      releaseLock();
      real?.close();
      real = null;
      leading(false);
      channel?.close();
      channel = null;
      setLeaderUp(false);
    },
  };
  return link;
}
