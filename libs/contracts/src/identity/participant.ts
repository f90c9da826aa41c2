import { z } from 'zod';
import { didKey, instant } from '../wire/codecs';

export const PARTICIPANT_ROLES = ['household', 'driver', 'rider', 'operator', 'validator'] as const;
export const participantRole = z.enum(PARTICIPANT_ROLES);
export const participantStatus = z.enum(['pending', 'active', 'suspended', 'revoked']);

/** A participant as every service sees it: identified by its did:key. */
export const participantView = z.strictObject({
  did: didKey,
  role: participantRole,
  status: participantStatus,
  displayName: z.string(),
  createdAt: instant,
});
export type ParticipantView = z.output<typeof participantView>;
