import { z } from 'zod';
import { defineEvent, defineRpc } from '../contract';
import { didKey, ed25519PublicKey, nonNegativeInt64, positiveInt64 } from '../wire/codecs';
import { deviceStatus, deviceType, deviceView } from './device';
import { ed25519Signature } from './participant-register.contract';

/**
 * Registers a device under its owner. Both keys sign `deviceBindingStatement`: the owner's
 * signature binds the device to the owner, the device's proves possession of its key.
 */
export const DeviceRegister = defineRpc(
  'rpc.identity.device.register',
  z
    .strictObject({
      owner: didKey,
      publicKey: ed25519PublicKey,
      type: deviceType,
      powerW: positiveInt64,
      capacityWh: nonNegativeInt64,
      reserveWh: nonNegativeInt64,
      ownerSignature: ed25519Signature,
      deviceSignature: ed25519Signature,
    })
    .refine((r) => r.reserveWh <= r.capacityWh, { message: 'reserveWh must not exceed capacityWh', path: ['reserveWh'] }),
  z.strictObject({ device: deviceView }),
);

/** Reads one device. */
export const DeviceGet = defineRpc('rpc.identity.device.get', z.strictObject({ did: didKey }), z.strictObject({ device: deviceView }));

/**
 * Devices in did order, a page at a time (`after` = last did seen): one owner's for the owner,
 * or everyone's (optionally one owner's, one status) for operators.
 */
export const DeviceList = defineRpc(
  'rpc.identity.device.list',
  z.strictObject({
    owner: didKey.optional(),
    status: deviceStatus.optional(),
    after: didKey.optional(),
    limit: z.number().int().min(1).max(200).default(200),
  }),
  z.strictObject({ devices: z.array(deviceView).max(200), next: didKey.nullable() }),
);

/** A device was registered. */
export const DeviceRegistered = defineEvent('evt.identity.device.registered.v1', deviceView);
