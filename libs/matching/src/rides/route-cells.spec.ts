import fc from 'fast-check';
import { getHexagonEdgeLengthAvg, gridDistance, latLngToCell } from 'h3-js';
import { EARTH_RADIUS_M, type LatLng, greatCircleDistanceM, preparePolyline } from './geo';
import { ringGeometry, ringsFor, routeRuns, sampleSpacingM } from './route-cells';

/** The point `distanceM` from (lat, lon) on initial bearing `bearingRad`, on the same sphere as the engine. */
function destination(lat: number, lon: number, bearingRad: number, distanceM: number): LatLng {
  const phi1 = (lat * Math.PI) / 180;
  const lambda1 = (lon * Math.PI) / 180;
  const delta = distanceM / EARTH_RADIUS_M;
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(bearingRad));
  const lambda2 = lambda1 + Math.atan2(Math.sin(bearingRad) * Math.sin(delta) * Math.cos(phi1), Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2));
  const lonDeg = ((((lambda2 * 180) / Math.PI + 540) % 360) + 360) % 360 - 180;
  return [(phi2 * 180) / Math.PI, lonDeg];
}

describe('ringsFor', () => {
  it('covers every cell holding a point within the distance, at any latitude up to 80° and resolutions 7 to 10', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 7, max: 10 }),
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 8_000 }),
        (resolution, lat, lon, bearing, fraction, distanceM) => {
          const from = latLngToCell(lat, lon, resolution);
          const [toLat, toLon] = destination(lat, lon, bearing, fraction * distanceM);
          const to = latLngToCell(toLat, toLon, resolution);
          // No sampling slack here: this checks the grid argument (step 3) alone.
          expect(gridDistance(from, to)).toBeLessThanOrEqual(ringsFor(distanceM, ringGeometry(from, 0)));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('reaches exactly the cells at the edge of the disk: a point at the full distance along a ring step is not ignored', () => {
    // Deterministic sweep around one point at every 5 degrees of bearing: the farthest
    // points are where a too small ring count would show first.
    const [lat, lon] = [48.8566, 2.3522];
    const from = latLngToCell(lat, lon, 8);
    const geometry = ringGeometry(from, 0);
    for (let degree = 0; degree < 360; degree += 5) {
      for (const distanceM of [500, 1_000, 2_500, 5_000]) {
        const [toLat, toLon] = destination(lat, lon, (degree * Math.PI) / 180, distanceM);
        expect(gridDistance(from, latLngToCell(toLat, toLon, 8))).toBeLessThanOrEqual(ringsFor(distanceM, geometry));
      }
    }
  });

  it('is not wastefully large: at resolution 8 the default walking radius needs at most 4 rings', () => {
    const geometry = ringGeometry(latLngToCell(48.8566, 2.3522, 8), sampleSpacingM(8));
    expect(ringsFor(800, geometry)).toBeLessThanOrEqual(4);
    expect(ringsFor(800, geometry)).toBeGreaterThanOrEqual(2);
  });
});

describe('routeRuns', () => {
  const spacing = sampleSpacingM(8);

  it('samples a route so that consecutive samples are never farther apart than the spacing', () => {
    expect(spacing).toBeCloseTo(getHexagonEdgeLengthAvg(8, 'm') / 2, 6);
  });

  it('covers every route point: the point lies within half a spacing of a sample whose run covers its position', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 48.80, max: 48.92, noNaN: true }), fc.double({ min: 2.25, max: 2.45, noNaN: true })), { minLength: 2, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (points, fraction) => {
          const prepared = preparePolyline(points);
          fc.pre(prepared.status === 'accepted');
          if (prepared.status !== 'accepted') return;
          const route = prepared.polyline;
          const runs = routeRuns(route, 8, spacing);
          // Pick a point on the route at `fraction` of its length.
          const positionM = fraction * route.lengthM;
          let segment = 0;
          while (segment < route.pointCount - 2 && route.cumulativeM[segment + 1]! < positionM) segment++;
          const segmentLength = route.cumulativeM[segment + 1]! - route.cumulativeM[segment]!;
          const t = segmentLength > 0 ? (positionM - route.cumulativeM[segment]!) / segmentLength : 0;
          const lat = route.lat[segment]! + t * (route.lat[segment + 1]! - route.lat[segment]!);
          const lon = route.lon[segment]! + t * (route.lon[segment + 1]! - route.lon[segment]!);
          const cell = latLngToCell(lat, lon, 8);
          // The point's own cell need not hold a sample, but some run within one ring of it
          // must cover its position (its nearest sample is ≤ spacing/2 ≈ 266 m away, less
          // than a cell's inradius).
          const covering = runs.filter((run) => run.minPosM <= positionM + 1e-6 && run.maxPosM >= positionM - 1e-6 && gridDistance(run.cell, cell) <= 1);
          expect(covering.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('starts a new run when a route comes back into a cell it left, and orders runs along the route', () => {
    const prepared = preparePolyline([[48.85, 2.30], [48.85, 2.34], [48.85, 2.30]]);
    if (prepared.status !== 'accepted') throw new Error('route rejected');
    const runs = routeRuns(prepared.polyline, 8, spacing);
    const first = runs[0]!;
    const last = runs[runs.length - 1]!;
    expect(first.cell).toBe(last.cell);
    expect(runs.filter((run) => run.cell === first.cell)).toHaveLength(2);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.minPosM).toBeGreaterThanOrEqual(runs[i - 1]!.minPosM);
    expect(last.maxPosM).toBeCloseTo(prepared.polyline.lengthM, 6);
    expect(greatCircleDistanceM(48.85, 2.30, 48.85, 2.34) * 2).toBeCloseTo(prepared.polyline.lengthM, 6);
  });
});
