import { z } from 'zod';
import { defineEvent, defineRpc } from '../contract';
import { didKey, instant, text } from '../wire/codecs';
import { deviceStatus, deviceView } from './device';
import { actor } from './participant';

const statusChange = z.strictObject({ did: didKey, actor, reason: text(500).default('') });
const changed = z.strictObject({ device: deviceView });

/** active → suspended: the device signs, reports and sells nothing until reinstated. */
export const DeviceSuspend = defineRpc('rpc.identity.device.suspend', statusChange, changed);
/** suspended → active. */
export const DeviceReinstate = defineRpc('rpc.identity.device.reinstate', statusChange, changed);

/** A device's status changed; caches of device answers drop the device at once. */
export const DeviceStatusChanged = defineEvent(
  'evt.identity.device.status-changed.v1',
  z.strictObject({ did: didKey, owner: didKey, from: deviceStatus, to: deviceStatus, actor, reason: z.string(), at: instant }),
);
