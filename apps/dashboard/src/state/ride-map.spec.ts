import { drawRoutes, type MapTripWire } from './ride-map';

const trip = (route: [number, number][], departureAt: string, arrivalAt: string, seatsTaken = 1): MapTripWire => ({
  tripId: `t-${route[0]![0]}`, driver: 'did:key:z6Mk', departureAt, arrivalAt, bookingMode: 'instant', seatsOffered: 4, seatsTaken, openRequests: 0, route,
});

describe('drawRoutes', () => {
  it('fits every route in the box, north up, with one scale for both axes', () => {
    // 0.1° of latitude north, and the same ground distance east at 52° (0.1 / cos 52°).
    const east = 0.1 / Math.cos((52.05 * Math.PI) / 180);
    const routes = drawRoutes([trip([[52, 4], [52.1, 4]], '2026-11-21T08:00:00Z', '2026-11-21T08:30:00Z'), trip([[52, 4], [52, 4 + east]], '2026-11-21T09:00:00Z', '2026-11-21T09:20:00Z', 4)], Date.parse('2026-11-21T08:10:00Z'), 200, 200, 10);
    expect(routes).toHaveLength(2);
    const [north, eastward] = routes;
    // North is up: the end lies above the start.
    expect(north!.end[1]).toBeLessThan(north!.start[1]);
    const lengthNorth = north!.start[1] - north!.end[1];
    const lengthEast = eastward!.end[0] - eastward!.start[0];
    expect(Math.abs(lengthNorth - lengthEast)).toBeLessThan(1.5);
    for (const r of routes) for (const [x, y] of [r.start, r.end]) expect(x >= 10 - 0.1 && x <= 190.1 && y >= 9.9 && y <= 190.1).toBe(true);
    expect(north!.d.startsWith('M')).toBe(true);
    expect([north!.moving, eastward!.moving]).toEqual([true, false]);
    expect([north!.fill, eastward!.fill]).toEqual([0.25, 1]);
  });

  it('draws nothing without routes', () => {
    expect(drawRoutes([], 0, 100, 100)).toEqual([]);
  });
});
