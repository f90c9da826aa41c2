import { Injectable } from '@nestjs/common';
import { AppError, DeviceRegistered, DeviceStatusChanged, deviceBindingStatement, ErrorCode, type DeviceStatus, type DeviceType, type DeviceView } from '@ampool/contracts';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { AuditRepository } from '../audit/audit.repository';
import { KeysRepository } from '../keys/keys.repository';
import { checkedPublicKey, requireProof } from '../keys/public-key';
import { ParticipantsRepository } from '../participants/participants.repository';
import { DevicesRepository } from './devices.repository';

/** Devices a participant may bind to itself (a bound on rows per owner). */
export const MAX_DEVICES_PER_OWNER = 50;

type Transition = 'suspend' | 'reinstate';

/** Which status each operator action may start from, and where it leads; revocation is final. */
const TRANSITIONS: Record<Transition, { from: DeviceStatus; to: DeviceStatus }> = {
  suspend: { from: 'active', to: 'suspended' },
  reinstate: { from: 'suspended', to: 'active' },
};

interface RegisterInput {
  owner: string;
  publicKey: string;
  type: DeviceType;
  powerW: bigint;
  capacityWh: bigint;
  reserveWh: bigint;
  ownerSignature: string;
  deviceSignature: string;
}

/** Devices with their own keys, bound to an active owner by both signatures. */
@Injectable()
export class DevicesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly keys: KeysRepository,
    private readonly participants: ParticipantsRepository,
    private readonly audit: AuditRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async register(input: RegisterInput): Promise<DeviceView> {
    const owner = await this.participants.find(input.owner);
    if (!owner) throw new AppError(ErrorCode.PARTICIPANT_UNKNOWN, `no participant ${input.owner}`);
    if (owner.status !== 'active') throw new AppError(ErrorCode.PARTICIPANT_NOT_ACTIVE, `participant ${owner.did} is ${owner.status}`);
    const key = checkedPublicKey(input.publicKey);

    const existing = await this.devices.find(key.did);
    if (existing) {
      const same = existing.owner === input.owner && existing.type === input.type && existing.powerW === input.powerW && existing.capacityWh === input.capacityWh && existing.reserveWh === input.reserveWh;
      if (same) return existing;
      throw new AppError(ErrorCode.ALREADY_EXISTS, `device ${key.did} is already registered differently`);
    }
    if (await this.keys.findByPublicKey(key.bytes)) throw new AppError(ErrorCode.ALREADY_EXISTS, 'this key is already registered');

    const ownerKey = await this.keys.find(owner.currentKey);
    if (!ownerKey || ownerKey.status !== 'active') throw new AppError(ErrorCode.KEY_REVOKED, 'the owner has no active key');
    const statement = deviceBindingStatement({
      device: key.did, owner: owner.did, type: input.type,
      powerW: input.powerW.toString(), capacityWh: input.capacityWh.toString(), reserveWh: input.reserveWh.toString(),
    });
    requireProof(ownerKey.publicKey, statement, input.ownerSignature, 'the owner’s signature');
    requireProof(key.bytes, statement, input.deviceSignature, 'the device’s signature');

    return this.uow.run(async (tx, emit) => {
      if ((await this.devices.countByOwner(tx, owner.did)) >= MAX_DEVICES_PER_OWNER) {
        throw new AppError(ErrorCode.OUT_OF_RANGE, `a participant may have at most ${MAX_DEVICES_PER_OWNER} devices`);
      }
      const device: DeviceView = {
        did: key.did, owner: owner.did, type: input.type, powerW: input.powerW, capacityWh: input.capacityWh, reserveWh: input.reserveWh,
        status: 'active', currentKey: key.did, createdAt: new Date(),
      };
      await this.devices.insert(tx, {
        ...device,
        ownerSignature: new Uint8Array(Buffer.from(input.ownerSignature, 'base64url')),
        deviceSignature: new Uint8Array(Buffer.from(input.deviceSignature, 'base64url')),
      });
      await this.keys.insert(tx, { did: key.did, publicKey: key.bytes, subject: key.did, subjectKind: 'device' });
      emit(outboxEvent(DeviceRegistered, device, 'identity'));
      return device;
    });
  }

  async get(did: string): Promise<DeviceView> {
    const device = await this.devices.find(did);
    if (!device) throw new AppError(ErrorCode.NOT_FOUND, `no device ${did}`);
    return device;
  }

  list(filter: Parameters<DevicesRepository['list']>[0]): Promise<DeviceView[]> {
    return this.devices.list(filter);
  }

  /**
   * An operator suspends or reinstates a device; refused transitions change nothing. The
   * event leaves through the outbox with the status change, so no cache keeps the old status
   * past the commit for longer than the message takes to arrive.
   */
  async transition(action: Transition, input: { did: string; actor: string; reason: string }): Promise<DeviceView> {
    const rule = TRANSITIONS[action];
    return this.uow.run(async (tx, emit) => {
      const current = await this.devices.lock(tx, input.did);
      if (!current) throw new AppError(ErrorCode.NOT_FOUND, `no device ${input.did}`);
      if (current.status !== rule.from) throw new AppError(ErrorCode.INVALID_TRANSITION, `cannot ${action} a device that is ${current.status}`);
      const updated = await this.devices.setStatus(tx, input.did, rule.to);
      await this.audit.append(tx, { actor: input.actor, action: `device.${action}`, target: input.did, details: { from: current.status, to: rule.to, reason: input.reason } });
      emit(
        outboxEvent(
          DeviceStatusChanged,
          { did: input.did, owner: current.owner, from: current.status, to: rule.to, actor: input.actor, reason: input.reason, at: new Date() },
          'identity',
        ),
      );
      return updated;
    });
  }
}
