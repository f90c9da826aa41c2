import { ApiError, type TripBody } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';

const HOUR = 3_600_000;

/** A straight east-west route through Paris, about 7.3 km (the ride engine's worked example). */
export const PARIS_ROUTE: [number, number][] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];
/** Points beside that route: A near its start, B at its middle, C near its end. */
export const PARIS_A: [number, number] = [48.8502, 2.31];
export const PARIS_B: [number, number] = [48.8502, 2.35];
export const PARIS_C: [number, number] = [48.8502, 2.39];

/** An instant trip along PARIS_ROUTE two days ahead, 3 seats of a 4-seat car, 6 units per seat. */
export function parisTrip(overrides: Partial<TripBody> = {}): TripBody {
  const departure = Date.now() + 48 * HOUR;
  return {
    id: uuidv7(), route: PARIS_ROUTE, departureAt: new Date(departure).toISOString(), arrivalAt: new Date(departure + 20 * 60_000).toISOString(),
    vehicleCapacity: 4, seatsOffered: 3, pricing: { kind: 'per-seat', pricePerSeatMicro: '6000000' }, maxDetourM: 0, maxDetourMinutes: 0,
    bookingMode: 'instant', ...overrides,
  };
}

/** 'OK' when the call succeeds, else the API's error code (or the error as text). */
export async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof ApiError ? e.code : String(e);
  }
}
