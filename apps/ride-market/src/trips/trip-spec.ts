import { createHash } from 'node:crypto';
import type { RpcRequest, TripPublish, TripView } from '@ampool/contracts';
import { createTrip, type Trip, type TripInput } from '@ampool/matching';

type TripRequest = RpcRequest<typeof TripPublish>;

/** A trip as stored: the driver's input in plain JSON (bigints as strings). */
export interface StoredSpec {
  route: [number, number][];
  stopovers: [number, number][];
  departureMs: number;
  arrivalMs: number;
  vehicleCapacity: number;
  seatsOffered: number;
  pricing: { kind: 'per-seat'; pricePerSeatMicro: string } | { kind: 'per-km'; pricePerKmMicro: string };
  maxDetourM: number;
  maxDetourMinutes: number;
  bookingMode: 'instant' | 'approval';
}

/** A trip's row without its spec: enough to lock it and find its engine trip in the cache. */
export interface TripHead {
  id: string;
  driver: string;
  status: 'published' | 'cancelled';
  version: number;
  arrivalMs: number;
}

/** The stored form of a publish or update request. */
export function specOf(input: TripRequest): StoredSpec {
  return {
    route: input.route.map(([lat, lon]) => [lat, lon]),
    stopovers: (input.stopovers ?? []).map(([lat, lon]) => [lat, lon]),
    departureMs: input.departureAt.getTime(),
    arrivalMs: input.arrivalAt.getTime(),
    vehicleCapacity: input.vehicleCapacity,
    seatsOffered: input.seatsOffered,
    pricing:
      input.pricing.kind === 'per-seat'
        ? { kind: 'per-seat', pricePerSeatMicro: input.pricing.pricePerSeatMicro.toString() }
        : { kind: 'per-km', pricePerKmMicro: input.pricing.pricePerKmMicro.toString() },
    maxDetourM: input.maxDetourM,
    maxDetourMinutes: input.maxDetourMinutes,
    bookingMode: input.bookingMode,
  };
}

/** Hash of what makes two requests the same (the driver and the spec; the id is the key). */
export function specHash(driver: string, spec: StoredSpec): string {
  return createHash('sha256').update(JSON.stringify([driver, spec])).digest('hex');
}

/** The engine's input for a stored spec. */
export function tripInputOf(id: string, driver: string, spec: StoredSpec): TripInput {
  return {
    tripId: id,
    driverId: driver,
    route: spec.route,
    stopovers: spec.stopovers,
    departureMs: spec.departureMs,
    arrivalMs: spec.arrivalMs,
    vehicleCapacity: spec.vehicleCapacity,
    seatsOffered: spec.seatsOffered,
    pricing:
      spec.pricing.kind === 'per-seat'
        ? { kind: 'per-seat', pricePerSeatMicro: BigInt(spec.pricing.pricePerSeatMicro) }
        : { kind: 'per-km', pricePerKmMicro: BigInt(spec.pricing.pricePerKmMicro) },
    maxDetourM: spec.maxDetourM,
    maxDetourMinutes: spec.maxDetourMinutes,
    bookingMode: spec.bookingMode,
  };
}

/**
 * The engine's trip for a stored spec. It was validated when published; the clock is not
 * checked again (a stored trip may have departed since).
 */
export function tripOfStored(id: string, driver: string, spec: StoredSpec): Trip {
  const result = createTrip(tripInputOf(id, driver, spec), { nowMs: 0 });
  if (result.status !== 'accepted') throw new Error(`stored trip ${id} no longer validates: ${result.code}`);
  return result.trip;
}

/** A stored trip row with its legs. */
export interface TripRecord {
  id: string;
  driver: string;
  status: 'published' | 'cancelled';
  version: number;
  spec: StoredSpec;
  routeLengthM: number;
  requestHash: string;
  changedSeq: bigint;
  createdAt: Date;
  updatedAt: Date;
  legs: { fromM: number; toM: number; seats: number; seatsTaken: number }[];
}

/** The API's view of a trip. */
export function tripView(record: TripRecord, trip: Trip): TripView {
  const s = record.spec;
  return {
    id: record.id,
    driver: record.driver,
    status: record.status,
    version: record.version,
    route: s.route,
    stopovers: trip.stopovers.map((p) => ({ lat: p.lat, lon: p.lon, routePositionM: p.routePositionM })),
    departureAt: new Date(s.departureMs),
    arrivalAt: new Date(s.arrivalMs),
    vehicleCapacity: s.vehicleCapacity,
    seatsOffered: s.seatsOffered,
    pricing:
      s.pricing.kind === 'per-seat'
        ? { kind: 'per-seat', pricePerSeatMicro: BigInt(s.pricing.pricePerSeatMicro) }
        : { kind: 'per-km', pricePerKmMicro: BigInt(s.pricing.pricePerKmMicro) },
    maxDetourM: s.maxDetourM,
    maxDetourMinutes: s.maxDetourMinutes,
    bookingMode: s.bookingMode,
    routeLengthM: record.routeLengthM,
    legs: record.legs,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
