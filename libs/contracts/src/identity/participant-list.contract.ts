import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey } from '../wire/codecs';
import { participantRole, participantStatus, participantView } from './participant';

/** Lists participants for operators, oldest first, a page at a time (`after` = last did seen). */
export const ParticipantList = defineRpc(
  'rpc.identity.participant.list',
  z.strictObject({
    status: participantStatus.optional(),
    role: participantRole.optional(),
    after: didKey.optional(),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  z.strictObject({ participants: z.array(participantView), next: didKey.nullable() }),
);
