import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, KeyRetired, keyRotationStatement, type ResolvedKey } from '@ampool/contracts';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { AuditRepository } from '../audit/audit.repository';
import { DevicesRepository } from '../devices/devices.repository';
import { OperatorsRepository } from '../operators/operators.repository';
import { ParticipantsRepository } from '../participants/participants.repository';
import { KeysRepository, type KeyStatus } from './keys.repository';
import { checkedPublicKey, requireProof } from './public-key';

/** Resolution, rotation and revocation of keys. */
@Injectable()
export class KeysService {
  constructor(
    private readonly keys: KeysRepository,
    private readonly participants: ParticipantsRepository,
    private readonly devices: DevicesRepository,
    private readonly operators: OperatorsRepository,
    private readonly audit: AuditRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** What a keyid speaks for, with the current status of the key and of its subject. */
  async resolve(keyDid: string): Promise<ResolvedKey> {
    const key = await this.keys.find(keyDid);
    if (!key) throw new AppError(ErrorCode.KEY_UNKNOWN, `no key ${keyDid}`);
    const base = { key: key.did, publicKey: Buffer.from(key.publicKey).toString('base64url'), status: key.status as KeyStatus };
    if (key.subjectKind === 'participant') {
      const p = await this.participants.find(key.subject);
      if (!p) throw new AppError(ErrorCode.INTERNAL, `key ${keyDid} has no participant`);
      return { ...base, subject: { kind: 'participant', did: p.did, role: p.role, status: p.status } };
    }
    const d = await this.devices.find(key.subject);
    const owner = d ? await this.participants.find(d.owner) : null;
    if (!d || !owner) throw new AppError(ErrorCode.INTERNAL, `key ${keyDid} has no device or owner`);
    return { ...base, subject: { kind: 'device', did: d.did, type: d.type, status: d.status, owner: d.owner, ownerStatus: owner.status } };
  }

  /** Replaces a subject's current key. The old key authorises it, the new one proves possession. */
  async rotate(input: { subject: string; newPublicKey: string; oldKeySignature: string; newKeySignature: string }): Promise<string> {
    const participant = await this.participants.find(input.subject);
    const device = participant ? null : await this.devices.find(input.subject);
    if (!participant && !device) throw new AppError(ErrorCode.NOT_FOUND, `no participant or device ${input.subject}`);
    if (participant?.status === 'revoked' || device?.status === 'revoked') {
      throw new AppError(ErrorCode.INVALID_TRANSITION, `${input.subject} is revoked`);
    }
    const oldKeyDid = (participant ?? device)!.currentKey;
    const oldKey = await this.keys.find(oldKeyDid);
    if (!oldKey || oldKey.status !== 'active') throw new AppError(ErrorCode.KEY_REVOKED, `the current key of ${input.subject} is not active`);
    const next = checkedPublicKey(input.newPublicKey, 'newPublicKey');
    if (await this.keys.findByPublicKey(next.bytes)) throw new AppError(ErrorCode.ALREADY_EXISTS, 'the new key is already registered');
    const statement = keyRotationStatement({ subject: input.subject, oldKey: oldKeyDid, newKey: next.did });
    requireProof(oldKey.publicKey, statement, input.oldKeySignature, 'the old key’s signature');
    requireProof(next.bytes, statement, input.newKeySignature, 'the new key’s signature');

    return this.uow.run(async (tx, emit) => {
      if (!(await this.keys.retire(tx, oldKeyDid, 'rotated'))) throw new AppError(ErrorCode.INVALID_TRANSITION, 'the key was rotated or revoked meanwhile');
      await this.keys.insert(tx, { did: next.did, publicKey: next.bytes, subject: input.subject, subjectKind: participant ? 'participant' : 'device' });
      if (participant) await this.participants.setCurrentKey(tx, input.subject, next.did);
      else await this.devices.setCurrentKey(tx, input.subject, next.did);
      emit(outboxEvent(KeyRetired, { key: oldKeyDid, subject: input.subject, status: 'rotated', at: new Date() }, 'identity'));
      return next.did;
    });
  }

  /**
   * Revokes a key. Allowed to its own subject, to the owner of a device, and to operators. A
   * revoked device key revokes the device: nothing could sign for it any more.
   */
  async revoke(input: { key: string; actor: string; reason: string }): Promise<KeyStatus> {
    const key = await this.keys.find(input.key);
    if (!key) throw new AppError(ErrorCode.KEY_UNKNOWN, `no key ${input.key}`);
    await this.requireMayRevoke(input.actor, key.subject, key.subjectKind);
    if (key.status !== 'active') return key.status as KeyStatus;
    return this.uow.run<KeyStatus>(async (tx, emit) => {
      if (!(await this.keys.retire(tx, key.did, 'revoked'))) return 'revoked';
      if (key.subjectKind === 'device') await this.devices.revoke(tx, key.subject);
      await this.audit.append(tx, { actor: input.actor, action: 'key.revoke', target: key.did, details: { subject: key.subject, reason: input.reason } });
      emit(outboxEvent(KeyRetired, { key: key.did, subject: key.subject, status: 'revoked', at: new Date() }, 'identity'));
      return 'revoked';
    });
  }

  private async requireMayRevoke(actor: string, subject: string, kind: string): Promise<void> {
    if (actor.startsWith('operator:')) {
      if (await this.operators.findActive(actor.slice('operator:'.length))) return;
      throw new AppError(ErrorCode.FORBIDDEN, 'unknown operator');
    }
    if (actor === subject) return;
    const participant = await this.participants.find(actor);
    if (participant?.role === 'operator' && participant.status === 'active') return;
    if (kind === 'device' && (await this.devices.find(subject))?.owner === actor) return;
    throw new AppError(ErrorCode.FORBIDDEN, 'only the key’s subject, the device’s owner or an operator may revoke it');
  }
}
