import { z } from 'zod';
import { defineRpc } from '../contract';
import { ed25519PublicKey, instant, uuidV7 } from '../wire/codecs';

/** A single-use challenge the new key must sign to register (proof of possession). */
export const ChallengeCreate = defineRpc(
  'rpc.identity.challenge.create',
  z.strictObject({ publicKey: ed25519PublicKey }),
  z.strictObject({ challengeId: uuidV7, challenge: z.string(), expiresAt: instant }),
);
