import { z } from 'zod';
import { defineEvent, defineRpc } from '../contract';
import { didKey, instant, text } from '../wire/codecs';
import { actor, participantRole, participantStatus, participantView } from './participant';

const statusChange = z.strictObject({ did: didKey, actor, reason: text(500).default('') });
const changed = z.strictObject({ participant: participantView });

/** pending → active. */
export const ParticipantApprove = defineRpc('rpc.identity.participant.approve', statusChange, changed);
/** active → suspended: open orders are cancelled, new ones refused. */
export const ParticipantSuspend = defineRpc('rpc.identity.participant.suspend', statusChange, changed);
/** suspended → active. */
export const ParticipantReinstate = defineRpc('rpc.identity.participant.reinstate', statusChange, changed);
/** any → revoked (final): every key of the participant and of its devices is revoked. */
export const ParticipantRevoke = defineRpc('rpc.identity.participant.revoke', statusChange, changed);

/** A participant's status changed; services cache statuses and listen for this. */
export const ParticipantStatusChanged = defineEvent(
  'evt.identity.participant.status-changed.v1',
  z.strictObject({ did: didKey, role: participantRole, from: participantStatus, to: participantStatus, actor, reason: z.string(), at: instant }),
);
