import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';

/**
 * The Redis adapter between nodes, built so that its PUBLISH failures are reported rather than
 * left as unhandled rejections: the adapter calls `pubClient.publish()` without awaiting it, so
 * once the connection is closed (shutdown) or Redis fails, a late emit would reject with nobody
 * listening. Leans on the adapter publishing through the client's `publish` method.
 */
export function redisAdapter(pub: Redis, sub: Redis, onPublishFailure: (err: unknown) => void): ReturnType<typeof createAdapter> {
  const publish = pub.publish.bind(pub) as (channel: string, message: string | Buffer) => Promise<number>;
  (pub as unknown as { publish: typeof publish }).publish = (channel, message) =>
    publish(channel, message).catch((err: unknown) => {
      onPublishFailure(err);
      return 0;
    });
  return createAdapter(pub, sub);
}

/**
 * How many of this node's sockets are in `room`, not counting `exceptSocketId`. The adapter's
 * `rooms` map holds this node's members only, with the Redis adapter too.
 */
export function localMemberCount(nsp: Pick<Namespace, 'adapter'>, room: string, exceptSocketId?: string): number {
  const members = nsp.adapter.rooms.get(room);
  if (!members) return 0;
  return members.size - (exceptSocketId !== undefined && members.has(exceptSocketId) ? 1 : 0);
}
