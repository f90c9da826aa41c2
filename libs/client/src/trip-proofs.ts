import type { TripLegProofsView } from '@ampool/contracts';
import { signEd25519 } from '@ampool/crypto';
import type { SigningKey } from '@ampool/http-signature';
import { tripProofSigningBytes } from '@ampool/metering';
import type { AmpoolClient, Credentials } from './ampool-client';
import { signingWith } from './identities';

/**
 * Trip proofs through the gateway: the driver and the rider of a booking each confirm the
 * pick-up and the drop-off (where, when), signed with a key registered to them — their own, or
 * one of their devices'. The request is signed too (by the party or its device).
 */

/** What a party confirms. Positions in degrees are rounded to micro-degrees. */
export interface TripConfirmation {
  role: 'driver' | 'rider';
  event: 'pickup' | 'dropoff';
  /** When, epoch ms (the device's clock; rounded to ms). */
  atMs: number;
  lat: number;
  lon: number;
}

/** The body of `POST /v1/rides/bookings/:id/proofs`. */
export interface TripProofBody {
  role: 'driver' | 'rider';
  event: 'pickup' | 'dropoff';
  signer: string;
  at: string;
  latE6: number;
  lonE6: number;
  signature: string;
}

/** A leg as the API answers it (wire form: instants as ISO strings). */
export type TripLegWire = Omit<TripLegProofsView, 'pickup' | 'dropoff' | 'proofs' | 'deadlineAt' | 'disputeDeadlineAt' | 'resolution' | 'decidedAt'> & {
  pickup: { latE6: number; lonE6: number; at: string };
  dropoff: { latE6: number; lonE6: number; at: string };
  proofs: { role: string; event: string; signer: string; at: string; latE6: number; lonE6: number; signature: string; receivedAt: string }[];
  deadlineAt: string;
  disputeDeadlineAt: string | null;
  resolution: { outcome: string; by: string; operator: string | null; note: string; at: string } | null;
  decidedAt: string | null;
};

/** Builds and signs a proof with `key` (the party's key or its device's): the exact bytes metering verifies. */
export function signTripProof(key: SigningKey, bookingId: string, c: TripConfirmation): TripProofBody {
  const proof = { legId: bookingId, role: c.role, event: c.event, signer: key.keyId, atMs: Math.round(c.atMs), latE6: Math.round(c.lat * 1e6), lonE6: Math.round(c.lon * 1e6) };
  const signature = signEd25519(key.secretKey, tripProofSigningBytes(proof));
  return {
    role: proof.role, event: proof.event, signer: proof.signer, at: new Date(proof.atMs).toISOString(), latE6: proof.latE6, lonE6: proof.lonE6,
    signature: Buffer.from(signature).toString('base64url'),
  };
}

/** Sends a signed proof; `sender` signs the request (defaults to the proof's key). */
export async function submitTripProof(client: AmpoolClient, sender: SigningKey, bookingId: string, body: TripProofBody): Promise<{ duplicate: boolean; leg: TripLegWire }> {
  return client.post(`/v1/rides/bookings/${bookingId}/proofs`, body, signingWith(sender));
}

/** Signs and sends a confirmation with one key. */
export async function confirmTrip(client: AmpoolClient, key: SigningKey, bookingId: string, c: TripConfirmation): Promise<{ duplicate: boolean; leg: TripLegWire }> {
  return submitTripProof(client, key, bookingId, signTripProof(key, bookingId, c));
}

/** The leg, its proofs and verdict (for its driver, its rider and operators). */
export async function getTripLeg(client: AmpoolClient, credentials: Credentials, bookingId: string): Promise<TripLegWire> {
  return (await client.get<{ leg: TripLegWire }>(`/v1/rides/bookings/${bookingId}/proofs`, credentials)).leg;
}

/** Operators: legs by status (disputed by default). */
export async function listTripLegs(client: AmpoolClient, operator: Credentials, options: { status?: string; after?: string; limit?: number } = {}): Promise<{ legs: TripLegWire[]; next: string | null }> {
  const q = new URLSearchParams();
  if (options.status) q.set('status', options.status);
  if (options.after) q.set('after', options.after);
  if (options.limit !== undefined) q.set('limit', String(options.limit));
  const suffix = q.size > 0 ? `?${q.toString()}` : '';
  return client.get(`/v1/operator/trip-legs${suffix}`, operator);
}

/** Operators: ends a dispute. */
export async function resolveTripDispute(
  client: AmpoolClient,
  operator: Credentials,
  bookingId: string,
  outcome: 'completed' | 'rider-no-show' | 'refund',
  note = '',
): Promise<TripLegWire> {
  return (await client.post<{ leg: TripLegWire }>(`/v1/operator/trip-legs/${bookingId}/resolve`, { outcome, note }, operator)).leg;
}
