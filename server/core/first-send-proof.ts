import { createHash } from 'node:crypto';
import { INITIAL_TOKEN_VERSION } from './visitor-token.ts';

/**
 * The rules of the first-send proof (protocol `FirstSendProof`): a secret the widget makes with the
 * message that opens its session. A retry of that message from another socket (its ack was lost, the
 * page reloaded) gets the conversation and a token back only with the proof; the client id is no secret.
 */

/** Only this is stored: the visitor row reveals nothing a replay could use. */
export const hashFirstSendProof = (proof: string): string => createHash('sha256').update(proof).digest('hex');

/**
 * A proven retry revives only a session never revoked. Any bump of the token version (logout, signing in,
 * another user signing in, a rotated identity secret) ends what the first send started, for good: the
 * proof stays in the widget's outbox until acked, and must not outlive the session it opened.
 */
export const firstSendResumable = (visitor: { tokenVersion: number }): boolean => visitor.tokenVersion === INITIAL_TOKEN_VERSION;
