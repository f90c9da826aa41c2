import { z } from 'zod';
import { defineRpc } from '../contract';
import { ed25519PublicKey, text, uuidV7 } from '../wire/codecs';
import { participantRole, participantView } from './participant';

/** Ed25519 signature, 64 bytes, base64url without padding. */
export const ed25519Signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be 64 bytes in base64url');

/**
 * Registers a participant by its Ed25519 public key, proven by a signature over
 * `registrationStatement` with the challenge. The participant starts `pending` until an
 * operator approves it (or `active` for roles the deployment approves automatically).
 */
export const ParticipantRegister = defineRpc(
  'rpc.identity.participant.register',
  z.strictObject({
    publicKey: ed25519PublicKey,
    role: participantRole,
    displayName: text(80, 1),
    challengeId: uuidV7,
    signature: ed25519Signature,
  }),
  z.strictObject({ participant: participantView }),
);
