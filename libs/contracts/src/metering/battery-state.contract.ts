import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant, nonNegativeInt64 } from '../wire/codecs';

/** Most devices one battery-state request may name. */
export const MAX_BATTERY_STATE_DEVICES = 100;

/** A battery's last reported state of charge, or nulls when it has never reported one. */
export const batteryStateView = z.strictObject({
  device: didKey,
  socWh: nonNegativeInt64.nullable(),
  at: instant.nullable(),
});
export type BatteryStateView = z.output<typeof batteryStateView>;

/**
 * The last state of charge each device reported in a signed reading (the energy market limits
 * a battery's sells by it). One answer per device named, in the order named.
 */
export const BatteryStateGet = defineRpc(
  'rpc.metering.battery.state',
  z.strictObject({ devices: z.array(didKey).min(1).max(MAX_BATTERY_STATE_DEVICES) }),
  z.strictObject({ states: z.array(batteryStateView) }),
);
