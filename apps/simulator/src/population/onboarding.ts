import { newKeyHolder, registerDevice, registerParticipant, type AmpoolClient, type Credentials, type KeyHolder, type RegisteredParticipant } from '@ampool/client';
import type { ParticipantRole } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import type { HouseholdSpec } from '@ampool/simulation';
import { inPool } from '../support/pool';
import { politely } from '../support/retry';

/** A household as the simulator drives it: its own key, its meter, and the device it sells from. */
export interface OnboardedHousehold {
  spec: HouseholdSpec;
  participant: RegisteredParticipant;
  meter: { did: string; key: KeyHolder };
  /** The battery, or the PV inverter of a home without one; null for a home without PV. */
  seller: { did: string; key: KeyHolder; type: 'battery' | 'pv_inverter'; powerW: bigint; capacityWh: bigint } | null;
}

/** A main fuse of 3 × 25 A: the most a home's meter ever sees, W. */
const METER_POWER_W = 17_250n;

/**
 * Registers a participant through the public API (challenge, signature), has the operator
 * approve it when registration leaves it pending, and funds it from the simulated payment rail.
 */
export async function onboardParticipant(
  client: AmpoolClient,
  operator: Credentials,
  role: ParticipantRole,
  name: string,
  depositMicro: bigint,
): Promise<RegisteredParticipant> {
  const p = await politely(() => registerParticipant(client, role, name));
  if (p.status === 'pending') await politely(() => client.post(`/v1/participants/${p.did}/approve`, { reason: 'simulated population' }, operator));
  const deposit = { id: uuidv7(), participant: p.did, amountMicro: depositMicro.toString() };
  if (depositMicro > 0n) await politely(() => client.post('/v1/deposits', deposit, operator));
  return { ...p, status: 'active' };
}

/** A household with its meter and, when it has PV, the device its sell orders name. */
export async function onboardHousehold(client: AmpoolClient, operator: Credentials, spec: HouseholdSpec, depositMicro: bigint): Promise<OnboardedHousehold> {
  const participant = await onboardParticipant(client, operator, 'household', `Household ${spec.id + 1} (${spec.zone})`, depositMicro);
  const owner = { did: participant.did, key: participant.key };
  const meterKey = newKeyHolder();
  const meter = await politely(() => registerDevice(client, owner, 'meter', { powerW: METER_POWER_W, capacityWh: 0n, reserveWh: 0n }, meterKey));
  let seller: OnboardedHousehold['seller'] = null;
  if (spec.battery) {
    const ratings = { powerW: spec.battery.powerW, capacityWh: spec.battery.capacityWh, reserveWh: spec.battery.reserveWh };
    const key = newKeyHolder();
    seller = { ...(await politely(() => registerDevice(client, owner, 'battery', ratings, key))), type: 'battery', powerW: ratings.powerW, capacityWh: ratings.capacityWh };
  } else if (spec.pvPeakW > 0) {
    const ratings = { powerW: BigInt(spec.pvPeakW), capacityWh: 0n, reserveWh: 0n };
    const key = newKeyHolder();
    seller = { ...(await politely(() => registerDevice(client, owner, 'pv_inverter', ratings, key))), type: 'pv_inverter', powerW: ratings.powerW, capacityWh: 0n };
  }
  return { spec, participant, meter, seller };
}

/** Onboards many at once, failing loudly if any of them could not join (a population is all or nothing). */
export async function onboardAll<T, R>(items: readonly T[], concurrency: number, onboard: (item: T) => Promise<R>, what: string): Promise<R[]> {
  const results = await inPool(items, concurrency, onboard);
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`#${i}: ${(r.reason as Error).message}`] : []));
  if (failed.length > 0) throw new Error(`${failed.length} of ${items.length} ${what} could not join: ${failed.slice(0, 3).join('; ')}`);
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}
