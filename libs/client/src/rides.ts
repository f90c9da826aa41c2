import type { BookingView, RideOfferView, TripView } from '@ampool/contracts';
import type { SigningKey } from '@ampool/http-signature';
import type { AmpoolClient } from './ampool-client';
import { signingWith } from './identities';

/**
 * The ride-seat market through the gateway, in wire form (money as decimal strings, times as
 * ISO instants). Every call is signed by the participant who acts: the driver of a trip, the
 * rider of a booking.
 */

/** A trip as the API answers it (wire form). */
export type TripWire = Omit<TripView, 'departureAt' | 'arrivalAt' | 'createdAt' | 'updatedAt' | 'pricing'> & {
  departureAt: string;
  arrivalAt: string;
  createdAt: string;
  updatedAt: string;
  pricing: { kind: 'per-seat'; pricePerSeatMicro: string } | { kind: 'per-km'; pricePerKmMicro: string };
};

/** A booking as the API answers it (wire form). */
export type BookingWire = Omit<BookingView, 'pickupAt' | 'dropoffAt' | 'expiresAt' | 'createdAt' | 'updatedAt' | 'farePerSeatMicro' | 'fareMicro' | 'serviceFeeMicro' | 'outcome'> & {
  pickupAt: string;
  dropoffAt: string;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  farePerSeatMicro: string;
  fareMicro: string;
  serviceFeeMicro: string;
  outcome: { rule: string; riderRefundMicro: string; driverPayoutMicro: string; platformFeeMicro: string; driverReliabilityMark: boolean } | null;
};

/** An offer as the API answers it (wire form). */
export type OfferWire = Omit<RideOfferView, 'pickupAt' | 'dropoffAt' | 'farePerSeatMicro' | 'fareMicro' | 'serviceFeeMicro' | 'totalMicro'> & {
  pickupAt: string;
  dropoffAt: string;
  farePerSeatMicro: string;
  fareMicro: string;
  serviceFeeMicro: string;
  totalMicro: string;
};

/** What a driver publishes: the trip body of `POST /v1/rides/trips` (wire form). */
export interface TripBody {
  id: string;
  route: [number, number][];
  stopovers?: [number, number][];
  departureAt: string;
  arrivalAt: string;
  vehicleCapacity: number;
  seatsOffered: number;
  pricing: { kind: 'per-seat'; pricePerSeatMicro: string } | { kind: 'per-km'; pricePerKmMicro: string };
  maxDetourM: number;
  maxDetourMinutes: number;
  bookingMode: 'instant' | 'approval';
}

/** A rider's search: the body of `POST /v1/rides/search`. */
export interface SearchBody {
  pickup: [number, number];
  dropoff: [number, number];
  earliestDepartureAt: string;
  latestDepartureAt: string;
  seats: number;
  maxTotalPriceMicro?: string;
  walkingRadiusM?: number;
  limit?: number;
}

/** A booking request: the body of `POST /v1/rides/bookings`. */
export interface BookingBody {
  id: string;
  tripId: string;
  pickup: [number, number];
  dropoff: [number, number];
  seats: number;
  walkingRadiusM?: number;
  maxTotalPriceMicro?: string;
}

export async function publishTrip(client: AmpoolClient, driver: SigningKey, trip: TripBody): Promise<TripWire> {
  return (await client.post<{ trip: TripWire }>('/v1/rides/trips', trip, signingWith(driver))).trip;
}

export async function updateTrip(client: AmpoolClient, driver: SigningKey, id: string, trip: Omit<TripBody, 'id'>): Promise<TripWire> {
  const res = await client.send('PUT', `/v1/rides/trips/${id}`, trip, signingWith(driver));
  if (res.status !== 200) throw Object.assign(new Error(`update failed: ${res.status}`), { status: res.status, body: res.body });
  return (res.body as { trip: TripWire }).trip;
}

export function cancelTrip(client: AmpoolClient, driver: SigningKey, id: string): Promise<{ trip: TripWire; cancelledBookings: number }> {
  return client.post(`/v1/rides/trips/${id}/cancel`, {}, signingWith(driver));
}

export async function getTrip(client: AmpoolClient, who: SigningKey, id: string): Promise<TripWire> {
  return (await client.get<{ trip: TripWire }>(`/v1/rides/trips/${id}`, signingWith(who))).trip;
}

export function listMyTrips(client: AmpoolClient, driver: SigningKey, page: { after?: string; limit?: number } = {}): Promise<{ trips: TripWire[]; next: string | null }> {
  const q = new URLSearchParams(Object.entries(page).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
  return client.get(`/v1/rides/trips${q.size ? `?${q}` : ''}`, signingWith(driver));
}

export async function searchRides(client: AmpoolClient, rider: SigningKey, search: SearchBody): Promise<OfferWire[]> {
  return (await client.post<{ offers: OfferWire[] }>('/v1/rides/search', search, signingWith(rider))).offers;
}

export async function bookSeats(client: AmpoolClient, rider: SigningKey, booking: BookingBody): Promise<BookingWire> {
  return (await client.post<{ booking: BookingWire }>('/v1/rides/bookings', booking, signingWith(rider))).booking;
}

async function bookingAction(client: AmpoolClient, who: SigningKey, id: string, action: 'approve' | 'decline' | 'cancel' | 'no-show'): Promise<BookingWire> {
  return (await client.post<{ booking: BookingWire }>(`/v1/rides/bookings/${id}/${action}`, {}, signingWith(who))).booking;
}

export const approveBooking = (client: AmpoolClient, driver: SigningKey, id: string) => bookingAction(client, driver, id, 'approve');
export const declineBooking = (client: AmpoolClient, driver: SigningKey, id: string) => bookingAction(client, driver, id, 'decline');
export const cancelBooking = (client: AmpoolClient, who: SigningKey, id: string) => bookingAction(client, who, id, 'cancel');
export const reportNoShow = (client: AmpoolClient, driver: SigningKey, id: string) => bookingAction(client, driver, id, 'no-show');

export async function getBooking(client: AmpoolClient, who: SigningKey, id: string): Promise<BookingWire> {
  return (await client.get<{ booking: BookingWire }>(`/v1/rides/bookings/${id}`, signingWith(who))).booking;
}

export function listMyBookings(
  client: AmpoolClient,
  who: SigningKey,
  page: { as?: 'rider' | 'driver'; after?: string; limit?: number } = {},
): Promise<{ bookings: BookingWire[]; next: string | null }> {
  const q = new URLSearchParams(Object.entries(page).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
  return client.get(`/v1/rides/bookings${q.size ? `?${q}` : ''}`, signingWith(who));
}
