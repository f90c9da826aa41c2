import { defineEvent } from '../contract';
import { participantView } from './participant';

/** A participant was registered. */
export const ParticipantRegistered = defineEvent('evt.identity.participant.registered.v1', participantView);
