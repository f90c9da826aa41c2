import { z } from 'zod';
import { defineEvent, defineRpc } from '../contract';
import { didKey, ed25519PublicKey, instant, text } from '../wire/codecs';
import { deviceStatus, deviceType } from './device';
import { actor, participantRole, participantStatus } from './participant';
import { ed25519Signature } from './participant-register.contract';

export const keyStatus = z.enum(['active', 'rotated', 'revoked']);

/**
 * What a key speaks for, resolved from its did:key: the key itself and its subject — a
 * participant (with role and status) or a device (with its owner and the owner's status).
 */
export const resolvedKey = z.strictObject({
  key: didKey,
  publicKey: ed25519PublicKey,
  status: keyStatus,
  subject: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('participant'), did: didKey, role: participantRole, status: participantStatus }),
    z.strictObject({ kind: z.literal('device'), did: didKey, type: deviceType, status: deviceStatus, owner: didKey, ownerStatus: participantStatus }),
  ]),
});
export type ResolvedKey = z.output<typeof resolvedKey>;

/** Resolves a keyid (did:key) to its subject; services cache the answer and listen for revocations. */
export const KeyResolve = defineRpc('rpc.identity.key.resolve', z.strictObject({ key: didKey }), resolvedKey);

/** Replaces the subject's current key; both keys sign `keyRotationStatement`. */
export const KeyRotate = defineRpc(
  'rpc.identity.key.rotate',
  z.strictObject({ subject: didKey, newPublicKey: ed25519PublicKey, oldKeySignature: ed25519Signature, newKeySignature: ed25519Signature }),
  z.strictObject({ key: didKey }),
);

/** Revokes a key: by its subject, the device's owner, or an operator. */
export const KeyRevoke = defineRpc(
  'rpc.identity.key.revoke',
  z.strictObject({ key: didKey, actor, reason: text(500).default('') }),
  z.strictObject({ key: didKey, status: keyStatus }),
);

/** A key stopped being valid (revoked, or replaced by rotation). Caches must drop it at once. */
export const KeyRetired = defineEvent(
  'evt.identity.key.retired.v1',
  z.strictObject({ key: didKey, subject: didKey, status: z.enum(['rotated', 'revoked']), at: instant }),
);
