import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey } from '../wire/codecs';
import { participantView } from './participant';

/** Reads one participant by did:key. */
export const ParticipantGet = defineRpc(
  'rpc.identity.participant.get',
  z.strictObject({ did: didKey }),
  z.strictObject({ participant: participantView }),
);
