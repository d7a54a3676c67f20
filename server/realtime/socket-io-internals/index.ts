/**
 * Every place this server reaches past the public APIs of Socket.IO, engine.io, ws, the
 * Socket.IO adapters and ioredis, behind functions named for what they do. Nothing outside
 * this folder touches those internals; the rest of the server calls these.
 *
 * They were written against exact versions (versions.ts). `startServer` calls
 * `assertSocketIoInternalsVersions()` before anything opens, so an upgrade that was not
 * re-verified stops the server with a list of what differs. The upgrade checklist is in
 * CONTRIBUTING.md ("Socket.IO and engine.io internals"); docs/internals/architecture.md says why
 * each reach is worth it.
 */
export { assertSocketIoInternalsVersions, SocketIoVersionMismatch, WRITTEN_AGAINST } from './versions.ts';
export { coalesceWebSocketFlushes } from './websocket-flush.ts';
export { afterConnectDecided, closeClientTransports, listenToEveryEvent, releaseHandshake } from './connections.ts';
export { localMemberCount, redisAdapter } from './adapter.ts';
