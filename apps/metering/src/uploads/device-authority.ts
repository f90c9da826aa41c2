import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type DeviceType } from '@ampool/contracts';
import { IdentityCache } from '@ampool/messaging';

/** A device allowed to report, with what the engine needs to know about it. */
export interface ReportingDevice {
  did: string;
  owner: string;
  type: DeviceType;
  ratedPowerW: bigint;
  publicKey: Uint8Array;
}

/**
 * Decides whether `key` may report for `device` now: the key must be the device's active key,
 * the device active (not suspended by an operator), and its owner active. Identity's answers are cached and dropped as soon as
 * identity announces a retired key or a status change.
 */
@Injectable()
export class DeviceAuthority {
  constructor(private readonly identity: IdentityCache) {}

  async check(device: string, key: string, allowed?: DeviceType[]): Promise<ReportingDevice> {
    const resolved = await this.identity.resolveKey(key);
    const s = resolved.subject;
    if (s.kind !== 'device' || s.did !== device) throw new AppError(ErrorCode.FORBIDDEN, `key ${key} does not belong to device ${device}`);
    if (resolved.status !== 'active' || s.status === 'revoked') throw new AppError(ErrorCode.KEY_REVOKED, `key ${key} of device ${device} is not active`);
    if (s.status === 'suspended') throw new AppError(ErrorCode.DEVICE_SUSPENDED, `device ${device} is suspended`);
    if (s.ownerStatus !== 'active') throw new AppError(ErrorCode.PARTICIPANT_NOT_ACTIVE, `the owner of ${device} is ${s.ownerStatus}`);
    if (allowed && !allowed.includes(s.type)) throw new AppError(ErrorCode.FORBIDDEN, `a ${s.type} may not submit this`);
    const registration = await this.identity.device(device);
    return { did: device, owner: s.owner, type: s.type, ratedPowerW: registration.powerW, publicKey: new Uint8Array(Buffer.from(resolved.publicKey, 'base64url')) };
  }
}
