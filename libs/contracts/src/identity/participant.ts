import { z } from 'zod';
import { didKey, instant } from '../wire/codecs';

export const PARTICIPANT_ROLES = ['household', 'driver', 'rider', 'operator', 'validator'] as const;
export const participantRole = z.enum(PARTICIPANT_ROLES);
export type ParticipantRole = z.output<typeof participantRole>;
export const participantStatus = z.enum(['pending', 'active', 'suspended', 'revoked']);
export type ParticipantStatus = z.output<typeof participantStatus>;

/** Who performed an operator action: a did (signed request) or `operator:<account id>` (browser session). */
export const actor = z.string().regex(/^(did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}|operator:[0-9a-f-]{36})$/, 'must be a did:key or operator:<uuid>');

/** A participant as every service sees it: identified by the did:key of its registration key. */
export const participantView = z.strictObject({
  did: didKey,
  role: participantRole,
  status: participantStatus,
  displayName: z.string(),
  /** The did:key of the key that currently signs for this participant. */
  currentKey: didKey,
  createdAt: instant,
});
export type ParticipantView = z.output<typeof participantView>;
