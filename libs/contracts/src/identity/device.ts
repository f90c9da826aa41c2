import { z } from 'zod';
import { didKey, instant, nonNegativeInt64, positiveInt64 } from '../wire/codecs';

export const DEVICE_TYPES = ['meter', 'battery', 'pv_inverter', 'ev_charger', 'p1_gateway', 'vehicle'] as const;
export const deviceType = z.enum(DEVICE_TYPES);
export type DeviceType = z.output<typeof deviceType>;
/** `suspended` is an operator's reversible hold; `revoked` is final. */
export const deviceStatus = z.enum(['active', 'suspended', 'revoked']);
export type DeviceStatus = z.output<typeof deviceStatus>;

/**
 * The ratings markets rely on: the most power the device moves (W), and for storage its
 * capacity and the reserve it never sells below (Wh). A vehicle's capacity is its seats.
 */
export const deviceRatings = z
  .strictObject({ powerW: positiveInt64, capacityWh: nonNegativeInt64, reserveWh: nonNegativeInt64 })
  .refine((r) => r.reserveWh <= r.capacityWh, { message: 'reserveWh must not exceed capacityWh', path: ['reserveWh'] });

export const deviceView = z.strictObject({
  did: didKey,
  owner: didKey,
  type: deviceType,
  powerW: positiveInt64,
  capacityWh: nonNegativeInt64,
  reserveWh: nonNegativeInt64,
  status: deviceStatus,
  currentKey: didKey,
  createdAt: instant,
});
export type DeviceView = z.output<typeof deviceView>;
