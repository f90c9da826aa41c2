import { ApiError, cancelTrip, publishTrip, signingWith, type TripBody } from '@ampool/client';
import { MAP_ROUTE_POINTS } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { startTestSystem, type TestSystem } from '@ampool/testing';

const MIN = 60_000;

function trip(departureMs: number, points = 3): TripBody {
  const route = Array.from({ length: points }, (_, i): [number, number] => [52.3 + (0.07 * i) / (points - 1), 4.85 + (0.04 * i) / (points - 1)]);
  return {
    id: uuidv7(), route, departureAt: new Date(departureMs).toISOString(), arrivalAt: new Date(departureMs + 25 * MIN).toISOString(), vehicleCapacity: 4, seatsOffered: 2,
    pricing: { kind: 'per-seat', pricePerSeatMicro: '3000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'approval',
  };
}

/** The operator's ride map: published trips around now, routes thinned for drawing, operators only. */
describe('the ride map', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ services: ['identity', 'settlement', 'ride-market'] });
  });
  afterAll(() => sys?.stop());

  it('shows the trips of the window, thinned, and not cancelled or far-off ones', async () => {
    const driver = await sys.participant('driver', 'Driver M');
    const soon = await publishTrip(sys.client, driver.key, trip(Date.now() + 30 * MIN, 400));
    const later = await publishTrip(sys.client, driver.key, trip(Date.now() + 10 * 60 * MIN));
    const withdrawn = await publishTrip(sys.client, driver.key, trip(Date.now() + 40 * MIN));
    await cancelTrip(sys.client, driver.key, withdrawn.id);

    const map = await sys.client.get<{ at: string; truncated: boolean; trips: { tripId: string; route: [number, number][]; seatsOffered: number; seatsTaken: number; openRequests: number }[] }>(
      '/v1/operator/rides/map?beforeMinutes=60&afterMinutes=240', await sys.operator(),
    );
    expect(map.trips.map((t) => t.tripId)).toEqual([soon.id]);
    expect(map.truncated).toBe(false);
    const [drawn] = map.trips;
    expect(drawn!.route).toHaveLength(MAP_ROUTE_POINTS);
    expect(drawn!.route[0]).toEqual([52.3, 4.85]);
    expect(drawn!.route.at(-1)).toEqual([52.37, 4.89]);
    expect([drawn!.seatsOffered, drawn!.seatsTaken, drawn!.openRequests]).toEqual([2, 0, 0]);

    const wider = await sys.client.get<{ trips: { tripId: string }[] }>('/v1/operator/rides/map?afterMinutes=720', await sys.operator());
    expect(wider.trips.map((t) => t.tripId)).toEqual([soon.id, later.id]);
    const first = await sys.client.get<{ trips: unknown[]; truncated: boolean }>('/v1/operator/rides/map?afterMinutes=720&limit=1', await sys.operator());
    expect([first.trips.length, first.truncated]).toEqual([1, true]);
  });

  it('is for operators only, and refuses a bad window with a code', async () => {
    const driver = await sys.participant('driver', 'Driver N');
    await expect(sys.client.get('/v1/operator/rides/map', signingWith(driver.key))).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const bad = await sys.client.get('/v1/operator/rides/map?afterMinutes=9999999', await sys.operator()).catch((e: ApiError) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect((bad as ApiError).status).toBe(400);
    const extra = await sys.client.get('/v1/operator/rides/map?zoom=3', await sys.operator()).catch((e: ApiError) => e);
    expect((extra as ApiError).status).toBe(400);
  });
});
