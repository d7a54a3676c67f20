import { useEffect, useState } from 'preact/hooks';
import type { Message, PublicThreads } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, formatTime, t } from '../i18n/index.ts';
import { PostLengthRing } from './post-length-ring.tsx';
import { usePostLength } from '../state/post-length.ts';
import { threadTree, type PostNode } from './x-thread-tree.ts';

/**
 * X public posts (issue 19, seed 000 "Twitter Public"): every public thread of the contact, each post with
 * its author (name, @handle linking to the profile on x.com), time and text (as text, never HTML), the
 * brand's replies indented under the post they answer, and Reply and Like on every post. Used in place of
 * the transcript and composer for an accepted public interaction, and by Communication › Public.
 */
type Account = NonNullable<PublicThreads['account']>;

const describe = (cause: unknown) => {
  const error = toApiError(cause);
  // X's reasons (what the plan allows) say more than the generic line.
  return error.code === 'X_NOT_ALLOWED' || error.code === 'MESSAGE_TOO_LONG' ? error.message || errorText(error.code) : errorText(error.code, error.message);
};

function replyRefusal(message: Message, account: Account | null): string | null {
  if (!account) return t('xpublic.noAccount');
  const x = message.x!;
  if (account.capabilities.unsummonedReplies || x.authorXId === account.xUserId || x.summonedBrand) return null;
  return t('xpublic.replyNotAllowed');
}

export function XReplyBox({ to, onSend, onCancel }: { to: string; onSend: (text: string) => Promise<void>; onCancel: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const length = usePostLength(text.trim());
  const submit = async () => {
    if (!length?.valid || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSend(text.trim());
      setText('');
    } catch (cause) {
      setError(describe(cause));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="x-reply"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      data-testid="x-reply-box"
    >
      <label class="field">
        <span>{t('xpublic.replyTo', { username: to })}</span>
        <textarea rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="x-reply-input" aria-invalid={!!length && length.remaining < 0} />
      </label>
      <div class="x-reply-bar">
        <PostLengthRing length={length} />
        <button type="button" class="button small" onClick={onCancel}>
          {t('xpublic.cancel')}
        </button>
        <button type="submit" class="button primary small" disabled={!length?.valid || busy} data-testid="x-reply-send">
          {t('xpublic.send')}
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert" data-testid="x-reply-error">
          {error}
        </p>
      )}
    </form>
  );
}

interface PostActions {
  account: Account | null;
  replyingTo: string | null;
  setReplyingTo: (postId: string | null) => void;
  reply: (conversationId: string, postId: string, text: string) => Promise<void>;
  like: (conversationId: string, postId: string, liked: boolean) => Promise<void>;
  readOnly: boolean;
}

/** Where our reply stands in the outbound queue (x_outbound), until X gives it a post id. */
function Delivery({ message }: { message: Message }) {
  const delivery = message.xDelivery;
  if (delivery?.state === 'refused') {
    return (
      <span class="pill pill-refused" role="status" data-testid="x-post-refused">
        {t('xpublic.refused', { reason: delivery.reason ?? '' })}
      </span>
    );
  }
  if (delivery?.state === 'held' && delivery.retryAt) {
    return (
      <span class="pill" data-testid="x-post-held">
        {t('xpublic.held', { time: formatTime(delivery.retryAt) })}
      </span>
    );
  }
  return (
    <span class="pill" data-testid="x-post-pending">
      {t('xpublic.pending')}
    </span>
  );
}

function Post({ node, conversationId, actions }: { node: PostNode; conversationId: string; actions: PostActions }) {
  const { message } = node;
  const x = message.x!;
  const ours = !!actions.account && x.authorXId === actions.account.xUserId;
  const name = ours ? actions.account!.name : (message.author.name ?? `@${x.username}`);
  const text = message.kind === 'text' || message.kind === 'image' ? message.text : '';
  const refusal = replyRefusal(message, actions.account);
  const likesOff = !actions.account?.capabilities.likes;
  const postId = x.postId;
  return (
    <li class={`x-post${ours ? ' x-post-brand' : ''}`} data-testid="x-post" data-post-id={postId ?? ''} data-message-id={message.id}>
      <div class="x-post-head">
        <strong class="x-post-name">{name}</strong>
        <a href={`https://x.com/${encodeURIComponent(x.username)}`} target="_blank" rel="noopener noreferrer" title={t('xpublic.profile', { username: x.username })}>
          @{x.username}
        </a>
        {ours && message.author.kind === 'agent' && message.author.name && message.author.id && <span class="x-post-agent">({message.author.name})</span>}
        <time dateTime={x.postedAt ?? message.createdAt}>{formatTime(x.postedAt ?? message.createdAt)}</time>
        {!postId && ours && <Delivery message={message} />}
        {x.liked && <span class="pill" data-testid="x-post-liked">{t('xpublic.liked')}</span>}
      </div>
      <p class="x-post-text">{text}</p>
      {postId && !actions.readOnly && (
        <div class="x-post-actions">
          <button type="button" class="button small" disabled={!!refusal} title={refusal ?? undefined} aria-expanded={actions.replyingTo === postId} onClick={() => actions.setReplyingTo(actions.replyingTo === postId ? null : postId)} data-testid="x-reply-button">
            {t('xpublic.reply')}
          </button>
          <button type="button" class="button small" disabled={likesOff} title={likesOff ? t('xpublic.likesUnavailable') : undefined} aria-pressed={!!x.liked} onClick={() => void actions.like(conversationId, postId, !x.liked)} data-testid="x-like-button">
            {x.liked ? t('xpublic.unlike') : t('xpublic.like')}
          </button>
          {refusal && <span class="x-post-note">{refusal}</span>}
          {likesOff && <span class="x-post-note">{t('xpublic.likesUnavailable')}</span>}
        </div>
      )}
      {postId && actions.replyingTo === postId && (
        <XReplyBox to={x.username} onSend={(reply) => actions.reply(conversationId, postId, reply)} onCancel={() => actions.setReplyingTo(null)} />
      )}
      {node.replies.length > 0 && (
        <ul class="x-replies" data-testid="x-replies">
          {node.replies.map((child) => (
            <Post key={child.message.id} node={child} conversationId={conversationId} actions={actions} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function XThreadView({
  client,
  conversationId,
  readOnly = false,
  onMovedToDm,
  onOpenAsChat,
}: {
  client: AgentClient;
  conversationId: string;
  readOnly?: boolean;
  onMovedToDm?: (conversationId: string) => void;
  /** Communication › Public: turn the thread into a live interaction (handling time recorded). */
  onOpenAsChat?: () => void;
}) {
  const [data, setData] = useState<PublicThreads | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [replyingTo, setReplyingTo] = useState<string | null>(null);
  const [moving, setMoving] = useState(false);

  const load = async () => {
    try {
      setData(await client.request('x:threads', { conversationId }));
      setError(null);
    } catch (cause) {
      setError(describe(cause));
    }
  };
  useEffect(() => {
    setData(null);
    void load();
    // A new post or reply in one of these threads: read them again (they are small).
    return client.on('message', (message) => {
      if (message.kind !== 'event' && message.x) void load();
    });
  }, [conversationId]);

  const actions: PostActions = {
    account: data?.account ?? null,
    replyingTo,
    setReplyingTo,
    readOnly,
    reply: async (threadId, postId, text) => {
      await client.request('x:reply', { conversationId: threadId, clientId: crypto.randomUUID(), inReplyToPostId: postId, text });
      setReplyingTo(null);
      await load();
    },
    like: async (threadId, postId, liked) => {
      try {
        await client.request('x:like', { conversationId: threadId, postId, liked });
        await load();
      } catch (cause) {
        setError(describe(cause));
      }
    },
  };

  const moveToDm = async () => {
    setMoving(true);
    try {
      const { conversation } = await client.request('x:move-to-dm', { conversationId });
      onMovedToDm?.(conversation.id);
    } catch (cause) {
      setError(describe(cause));
    } finally {
      setMoving(false);
    }
  };

  if (!data) return <p class="list-empty" role={error ? 'alert' : undefined}>{error ?? t('xpublic.loading')}</p>;
  return (
    <section class="x-threads" aria-label={t('xpublic.title')} data-testid="x-threads">
      <header class="x-threads-head">
        {data.xUser && (
          <p>
            <strong>{data.xUser.name ?? data.contact.name}</strong>{' '}
            <a href={`https://x.com/${encodeURIComponent(data.xUser.username)}`} target="_blank" rel="noopener noreferrer">
              @{data.xUser.username}
            </a>
          </p>
        )}
        <span class="row-actions">
          {onOpenAsChat && (
            <button type="button" class="button small" onClick={onOpenAsChat} data-testid="open-as-chat">
              {t('comm.openAsChat')}
            </button>
          )}
          {!readOnly && data.xUser && (
            <button type="button" class="button small" disabled={moving} onClick={() => void moveToDm()} data-testid="x-move-to-dm">
              {t('xpublic.moveToDm')}
            </button>
          )}
        </span>
      </header>
      {error && (
        <p class="form-error" role="alert" data-testid="x-threads-error">
          {error}
        </p>
      )}
      {!data.account && <p class="notice">{t('xpublic.noAccount')}</p>}
      {data.threads.length === 0 && <p class="list-empty">{t('xpublic.none')}</p>}
      {data.threads.map((thread) => (
        <article key={thread.conversationId} class="x-thread" data-testid="x-thread" data-conversation-id={thread.conversationId}>
          <h4 class="x-thread-title">
            {t('xpublic.thread')} {thread.open && <span class="pill">{t('xpublic.openSession')}</span>}
          </h4>
          <ul class="x-posts">
            {threadTree(thread.posts).map((node) => (
              <Post key={node.message.id} node={node} conversationId={thread.conversationId} actions={actions} />
            ))}
          </ul>
        </article>
      ))}
    </section>
  );
}
