import { Injectable } from '@nestjs/common';
import { AppError, DeviceRegistered, deviceBindingStatement, ErrorCode, type DeviceType, type DeviceView } from '@ampool/contracts';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { KeysRepository } from '../keys/keys.repository';
import { checkedPublicKey, requireProof } from '../keys/public-key';
import { ParticipantsRepository } from '../participants/participants.repository';
import { DevicesRepository } from './devices.repository';

/** Devices a participant may bind to itself (a bound on rows per owner). */
export const MAX_DEVICES_PER_OWNER = 50;

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

  list(owner: string): Promise<DeviceView[]> {
    return this.devices.listByOwner(owner);
  }
}
