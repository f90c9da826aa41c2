import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, ParticipantRegistered, type ParticipantView } from '@ampool/contracts';
import { didKeyFromPublicKey, isValidEd25519PublicKey } from '@ampool/crypto';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { ParticipantsRepository } from './participants.repository';

/**
 * Registration of participants. A participant is its Ed25519 key: the did:key is derived
 * from it, so registering the same key again returns the same participant.
 *
 * Today registration activates the participant at once; approval by an operator, proof of
 * possession of the key and suspension belong to the identity capability still to come.
 */
@Injectable()
export class ParticipantsService {
  constructor(
    private readonly participants: ParticipantsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async register(input: { publicKey: string; role: ParticipantView['role']; displayName: string }): Promise<ParticipantView> {
    const publicKey = new Uint8Array(Buffer.from(input.publicKey, 'base64url'));
    // A small-order or non-canonical key could "sign" many messages at once: refuse it here.
    if (!isValidEd25519PublicKey(publicKey)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'publicKey is not an acceptable Ed25519 public key', {
        issues: [{ path: 'publicKey', message: 'not a canonical, full-order Ed25519 point' }],
      });
    }
    const did = didKeyFromPublicKey(publicKey);
    return this.uow.run(async (tx, emit) => {
      const candidate: ParticipantView = { did, role: input.role, status: 'active', displayName: input.displayName, createdAt: new Date() };
      const { participant, created } = await this.participants.insertIfAbsent(tx, { ...candidate, publicKey });
      if (!created && (participant.role !== input.role || participant.displayName !== input.displayName)) {
        throw new AppError(ErrorCode.ALREADY_EXISTS, `a participant with this key is already registered as ${participant.did}`);
      }
      if (created) emit(outboxEvent(ParticipantRegistered, participant, 'identity'));
      return participant;
    });
  }

  async get(did: string): Promise<ParticipantView> {
    const participant = await this.participants.findByDid(did);
    if (!participant) throw new AppError(ErrorCode.PARTICIPANT_UNKNOWN, `no participant ${did}`);
    return participant;
  }
}
