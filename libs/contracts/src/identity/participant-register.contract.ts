import { z } from 'zod';
import { defineRpc } from '../contract';
import { ed25519PublicKey } from '../wire/codecs';
import { participantRole, participantView } from './participant';

/** Registers a participant by its Ed25519 public key; its id is the key's did:key. */
export const ParticipantRegister = defineRpc(
  'rpc.identity.participant.register',
  z.strictObject({
    publicKey: ed25519PublicKey,
    role: participantRole,
    displayName: z.string().trim().min(1).max(80),
  }),
  z.strictObject({ participant: participantView }),
);
