import type { Message } from '../../protocol/index.ts';

/**
 * An X thread as the seed shows it: each post with the replies that answer it indented beneath
 * (`x.inReplyToPostId` → `x.postId`). A post whose parent we never received (X sends only mentions and
 * replies to the brand) starts its own branch; our replies not yet published have no post id, so
 * nothing hangs under them until X gives them one. Siblings in the order X wrote them.
 */
export interface PostNode {
  message: Message;
  replies: PostNode[];
}

const when = (m: Message) => m.x?.postedAt ?? m.createdAt;

export function threadTree(posts: readonly Message[]): PostNode[] {
  const nodes = posts.filter((m) => m.x).map((message) => ({ message, replies: [] as PostNode[] }));
  const byPostId = new Map(nodes.filter((n) => n.message.x?.postId).map((n) => [n.message.x!.postId!, n]));
  const roots: PostNode[] = [];
  for (const node of nodes) {
    const parent = node.message.x?.inReplyToPostId ? byPostId.get(node.message.x.inReplyToPostId) : undefined;
    if (parent && parent !== node) parent.replies.push(node);
    else roots.push(node);
  }
  const order = (list: PostNode[]) => {
    list.sort((a, b) => when(a.message).localeCompare(when(b.message)) || a.message.seq - b.message.seq);
    for (const n of list) order(n.replies);
  };
  order(roots);
  return roots;
}
