import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  KeyRetired,
  ParticipantRegistered,
  ParticipantStatusChanged,
  registrationStatement,
  type ParticipantRole,
  type ParticipantStatus,
  type ParticipantView,
} from '@ampool/contracts';
import { outboxEvent, UnitOfWork, type Emit } from '@ampool/messaging';
import type { Tx } from '@ampool/persistence';
import { AuditRepository } from '../audit/audit.repository';
import { ChallengesRepository } from '../challenges/challenges.repository';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config';
import { DevicesRepository } from '../devices/devices.repository';
import { KeysRepository } from '../keys/keys.repository';
import { checkedPublicKey, requireProof } from '../keys/public-key';
import { ParticipantsRepository } from './participants.repository';

type Transition = 'approve' | 'suspend' | 'reinstate' | 'revoke';

/** Which statuses each operator action may start from, and where it leads. */
const TRANSITIONS: Record<Transition, { from: ParticipantStatus[]; to: ParticipantStatus }> = {
  approve: { from: ['pending'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'active' },
  revoke: { from: ['pending', 'active', 'suspended'], to: 'revoked' },
};

/**
 * Participants: registration with proof of possession of the key, and the status workflow
 * pending → active → suspended / revoked, each step audited and announced.
 */
@Injectable()
export class ParticipantsService {
  constructor(
    private readonly participants: ParticipantsRepository,
    private readonly keys: KeysRepository,
    private readonly devices: DevicesRepository,
    private readonly challenges: ChallengesRepository,
    private readonly audit: AuditRepository,
    private readonly uow: UnitOfWork,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async register(input: { publicKey: string; role: ParticipantRole; displayName: string; challengeId: string; signature: string }): Promise<ParticipantView> {
    const key = checkedPublicKey(input.publicKey);
    // Registering the same key again with the same details is a retry and answers the same.
    const existing = await this.participants.findByPublicKey(key.bytes);
    if (existing) {
      if (existing.role === input.role && existing.displayName === input.displayName) return existing;
      throw new AppError(ErrorCode.ALREADY_EXISTS, `this key is already registered as ${existing.did}`);
    }
    if (await this.keys.findByPublicKey(key.bytes)) throw new AppError(ErrorCode.ALREADY_EXISTS, 'this key is already registered');

    const now = new Date();
    const challenge = await this.challenges.findUsable(input.challengeId, key.bytes, now);
    if (challenge === null) throw new AppError(ErrorCode.CHALLENGE_INVALID, 'the challenge is unknown, expired, used, or for another key');
    requireProof(key.bytes, registrationStatement({ challenge, publicKey: input.publicKey, role: input.role, displayName: input.displayName }), input.signature, 'the registration signature');

    return this.uow.run(async (tx, emit) => {
      if (!(await this.challenges.consume(tx, input.challengeId, now))) {
        throw new AppError(ErrorCode.CHALLENGE_INVALID, 'the challenge was used by another request');
      }
      const participant: ParticipantView = {
        did: key.did,
        role: input.role,
        status: this.config.AUTO_APPROVE_ROLES.includes(input.role) ? 'active' : 'pending',
        displayName: input.displayName,
        currentKey: key.did,
        createdAt: now,
      };
      await this.participants.insert(tx, { ...participant, publicKey: key.bytes });
      await this.keys.insert(tx, { did: key.did, publicKey: key.bytes, subject: key.did, subjectKind: 'participant' });
      emit(outboxEvent(ParticipantRegistered, participant, 'identity'));
      return participant;
    });
  }

  async get(did: string): Promise<ParticipantView> {
    const participant = await this.participants.find(did);
    if (!participant) throw new AppError(ErrorCode.PARTICIPANT_UNKNOWN, `no participant ${did}`);
    return participant;
  }

  list(filter: Parameters<ParticipantsRepository['list']>[0]) {
    return this.participants.list(filter);
  }

  /** An operator moves a participant along the workflow; refused transitions change nothing. */
  async transition(action: Transition, input: { did: string; actor: string; reason: string }): Promise<ParticipantView> {
    const rule = TRANSITIONS[action];
    return this.uow.run(async (tx, emit) => {
      const current = await this.participants.lock(tx, input.did);
      if (!current) throw new AppError(ErrorCode.PARTICIPANT_UNKNOWN, `no participant ${input.did}`);
      if (!rule.from.includes(current.status)) {
        throw new AppError(ErrorCode.INVALID_TRANSITION, `cannot ${action} a participant that is ${current.status}`);
      }
      const updated = await this.participants.setStatus(tx, input.did, rule.to);
      if (rule.to === 'revoked') await this.revokeEverything(tx, emit, input.did);
      await this.audit.append(tx, { actor: input.actor, action: `participant.${action}`, target: input.did, details: { from: current.status, to: rule.to, reason: input.reason } });
      emit(
        outboxEvent(
          ParticipantStatusChanged,
          { did: input.did, role: current.role, from: current.status, to: rule.to, actor: input.actor, reason: input.reason, at: new Date() },
          'identity',
        ),
      );
      return updated;
    });
  }

  /** A revoked participant signs for nothing any more: its keys and its devices' keys go. */
  private async revokeEverything(tx: Tx, emit: Emit, did: string): Promise<void> {
    const deviceDids = await this.devices.revokeAllOf(tx, did);
    const revoked = await this.keys.revokeAllOf(tx, [did, ...deviceDids]);
    const at = new Date();
    for (const k of revoked) emit(outboxEvent(KeyRetired, { key: k.did, subject: k.subject, status: 'revoked', at }, 'identity'));
  }
}
