import fc from 'fast-check';
import {
  EARTH_RADIUS_M,
  type LatLng,
  checkLatLng,
  greatCircleDistanceM,
  nearestPointOnPolyline,
  polylineLengthM,
  preparePolyline,
  roadDistanceM,
} from './geo';
import { MAX_POLYLINE_POINTS } from './ride-bounds';
import { RideRejectCode } from './ride-codes';

function polyline(points: LatLng[]) {
  const result = preparePolyline(points);
  if (result.status !== 'accepted') throw new Error(`polyline rejected: ${result.code}`);
  return result.polyline;
}

const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180;

describe('greatCircleDistanceM', () => {
  it('measures one degree along a meridian or the equator as πR/180', () => {
    expect(greatCircleDistanceM(10, 20, 11, 20)).toBeCloseTo(M_PER_DEG, 6);
    expect(greatCircleDistanceM(0, 20, 0, 21)).toBeCloseTo(M_PER_DEG, 6);
  });

  it('shrinks an east–west degree by the cosine of the latitude', () => {
    // At 60° a short east–west step is half as long as on the equator.
    expect(greatCircleDistanceM(60, 0, 60, 0.001) / greatCircleDistanceM(0, 0, 0, 0.001)).toBeCloseTo(0.5, 6);
  });

  it('gives half the circumference between antipodes and 0 for a point and itself', () => {
    expect(greatCircleDistanceM(45, 10, -45, -170)).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
    expect(greatCircleDistanceM(48.8566, 2.3522, 48.8566, 2.3522)).toBe(0);
  });

  it('puts Paris 343.5 km from London, the published great-circle figure', () => {
    expect(greatCircleDistanceM(48.8566, 2.3522, 51.5074, -0.1278) / 1000).toBeCloseTo(343.5, 0);
  });

  it('takes the short way across the antimeridian', () => {
    expect(greatCircleDistanceM(0, 179.9, 0, -179.9)).toBeCloseTo(0.2 * M_PER_DEG, 3);
  });

  it('is symmetric and satisfies the triangle inequality', () => {
    const point = fc.tuple(fc.double({ min: -89, max: 89, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }));
    fc.assert(
      fc.property(point, point, point, ([aLat, aLon], [bLat, bLon], [cLat, cLon]) => {
        const ab = greatCircleDistanceM(aLat, aLon, bLat, bLon);
        expect(ab).toBeCloseTo(greatCircleDistanceM(bLat, bLon, aLat, aLon), 6);
        // Haversine loses precision near antipodes (asin close to 1): centimetres at 20,000 km, so a 10 cm tolerance.
        expect(ab).toBeLessThanOrEqual(greatCircleDistanceM(aLat, aLon, cLat, cLon) + greatCircleDistanceM(cLat, cLon, bLat, bLon) + 0.1);
      }),
    );
  });
});

describe('roadDistanceM', () => {
  it('multiplies the straight line by the road factor, 1.3 by default', () => {
    expect(roadDistanceM(1_000)).toBeCloseTo(1_300, 9);
    expect(roadDistanceM(1_000, 1.5)).toBeCloseTo(1_500, 9);
  });
});

describe('checkLatLng', () => {
  it('accepts the edges of the ranges', () => {
    expect(checkLatLng(90, 180)).toBeNull();
    expect(checkLatLng(-90, -180)).toBeNull();
  });

  it.each([
    [90.000001, 0, RideRejectCode.LAT_OUT_OF_RANGE],
    [-91, 0, RideRejectCode.LAT_OUT_OF_RANGE],
    [Number.NaN, 0, RideRejectCode.LAT_OUT_OF_RANGE],
    [Number.POSITIVE_INFINITY, 0, RideRejectCode.LAT_OUT_OF_RANGE],
    ['48', 0, RideRejectCode.LAT_OUT_OF_RANGE],
    [0, 180.5, RideRejectCode.LON_OUT_OF_RANGE],
    [0, -181, RideRejectCode.LON_OUT_OF_RANGE],
    [0, Number.NaN, RideRejectCode.LON_OUT_OF_RANGE],
  ])('refuses (%p, %p) with %s', (lat, lon, code) => {
    expect(checkLatLng(lat, lon)?.code).toBe(code);
  });
});

describe('preparePolyline', () => {
  it('refuses an empty route with POLYLINE_EMPTY', () => {
    expect(preparePolyline([])).toMatchObject({ status: 'rejected', code: RideRejectCode.POLYLINE_EMPTY });
  });

  it(`accepts ${MAX_POLYLINE_POINTS} points and refuses one more with POLYLINE_TOO_LONG`, () => {
    const points = (n: number): LatLng[] => Array.from({ length: n }, (_, i) => [48 + i * 1e-4, 2] as const);
    expect(preparePolyline(points(MAX_POLYLINE_POINTS)).status).toBe('accepted');
    expect(preparePolyline(points(MAX_POLYLINE_POINTS + 1))).toMatchObject({ status: 'rejected', code: RideRejectCode.POLYLINE_TOO_LONG });
  });

  it('refuses a single point, a repeated point and two names of one place with POLYLINE_DEGENERATE', () => {
    for (const points of [[[48, 2]], [[48, 2], [48, 2], [48, 2]], [[0, -180], [0, 180]], [[90, 0], [90, 45]]] as LatLng[][]) {
      expect(preparePolyline(points)).toMatchObject({ status: 'rejected', code: RideRejectCode.POLYLINE_DEGENERATE });
    }
  });

  it('names the coordinate that is out of range', () => {
    expect(preparePolyline([[48, 2], [95, 2]])).toMatchObject({ code: RideRejectCode.LAT_OUT_OF_RANGE });
    expect(preparePolyline([[48, 2], [48, -200]])).toMatchObject({ code: RideRejectCode.LON_OUT_OF_RANGE });
  });

  it('refuses a point that is not a pair with MALFORMED_INPUT', () => {
    expect(preparePolyline([[48, 2], [48] as unknown as LatLng])).toMatchObject({ code: RideRejectCode.MALFORMED_INPUT });
    expect(preparePolyline('route' as unknown as LatLng[])).toMatchObject({ code: RideRejectCode.MALFORMED_INPUT });
  });

  it('measures the length as the sum of the segments, repeated points adding nothing', () => {
    const route = polyline([[48.85, 2.30], [48.85, 2.30], [48.86, 2.31], [48.87, 2.31]]);
    const expected = greatCircleDistanceM(48.85, 2.30, 48.86, 2.31) + greatCircleDistanceM(48.86, 2.31, 48.87, 2.31);
    expect(polylineLengthM(route)).toBeCloseTo(expected, 6);
    expect(Array.from(route.cumulativeM)).toEqual([0, 0, expect.any(Number), route.lengthM]);
  });
});

describe('nearestPointOnPolyline', () => {
  // Along the equator, 0.01° of longitude is M_PER_DEG / 100 ≈ 1,112 m.
  const equator = polyline([[0, 0], [0, 0.01], [0, 0.02]]);

  it('projects a point beside the route onto it: position along, distance across', () => {
    const near = nearestPointOnPolyline(equator, 0.001, 0.005)!;
    expect(near.positionM).toBeCloseTo(0.005 * M_PER_DEG, 3);
    expect(near.offRouteM).toBeCloseTo(0.001 * M_PER_DEG, 3);
    expect([near.lat, near.lon, near.segment]).toEqual([0, expect.closeTo(0.005, 9), 0]);
  });

  it('clamps to the end vertex for a point beyond the end', () => {
    const near = nearestPointOnPolyline(equator, 0, 0.03)!;
    expect(near.positionM).toBeCloseTo(equator.lengthM, 6);
    expect(near.offRouteM).toBeCloseTo(0.01 * M_PER_DEG, 3);
  });

  it('finds a later pass of the route when told to look only after a position', () => {
    // Out along the equator and back 0.002° further north: a point in between is near both passes.
    const outAndBack = polyline([[0, 0], [0, 0.02], [0.002, 0.02], [0.002, 0]]);
    const first = nearestPointOnPolyline(outAndBack, 0.0009, 0.01)!;
    expect(first.segment).toBe(0);
    // Just after the start, the same pass is still nearest (the restriction is not a skip)...
    expect(nearestPointOnPolyline(outAndBack, 0.0009, 0.01, first.positionM + 1)!.segment).toBe(0);
    // ...but after the turn, only the way back is left.
    const later = nearestPointOnPolyline(outAndBack, 0.0009, 0.01, outAndBack.cumulativeM[1]! + 1)!;
    expect(later.segment).toBe(2);
    expect(later.positionM).toBeGreaterThan(first.positionM);
    expect(later.offRouteM).toBeCloseTo(0.0011 * M_PER_DEG, 1);
  });

  it('picks the earlier position when two parts of the route are equally near', () => {
    const outAndBack = polyline([[0, 0], [0, 0.02], [0.002, 0.02], [0.002, 0]]);
    const near = nearestPointOnPolyline(outAndBack, 0.001, 0.01)!;
    expect(near.segment).toBe(0);
  });

  it('starts the search inside a segment when the position falls in its middle', () => {
    const near = nearestPointOnPolyline(equator, 0, 0.002, 0.005 * M_PER_DEG)!;
    expect(near.positionM).toBeCloseTo(0.005 * M_PER_DEG, 3);
    expect(near.offRouteM).toBeCloseTo(0.003 * M_PER_DEG, 3);
  });

  it('returns null when nothing of the route is left after the position', () => {
    expect(nearestPointOnPolyline(equator, 0, 0.01, equator.lengthM)).toBeNull();
  });

  it('crosses the antimeridian the short way', () => {
    const route = polyline([[10, 179.99], [10, -179.99]]);
    expect(route.lengthM).toBeLessThan(2_500);
    const near = nearestPointOnPolyline(route, 10.001, 180)!;
    expect(near.offRouteM).toBeCloseTo(0.001 * M_PER_DEG, 0);
    expect(near.positionM).toBeCloseTo(route.lengthM / 2, 0);
  });

  it('agrees with a dense brute-force search within the documented error bound, at city scale up to 60°', () => {
    const vertex = (lat0: number) =>
      fc.tuple(fc.double({ min: lat0 - 0.02, max: lat0 + 0.02, noNaN: true }), fc.double({ min: -0.03, max: 0.03, noNaN: true }));
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 60, noNaN: true }).chain((lat0) =>
          fc.tuple(fc.array(vertex(lat0), { minLength: 2, maxLength: 6 }), vertex(lat0)),
        ),
        ([points, [lat, lon]]) => {
          const prepared = preparePolyline(points);
          fc.pre(prepared.status === 'accepted');
          if (prepared.status !== 'accepted') return;
          const near = nearestPointOnPolyline(prepared.polyline, lat, lon)!;
          // Independent reference: 2,000 points per segment, by linear interpolation in
          // degrees, and the haversine distance to each; keep the smallest.
          let best = Infinity;
          for (let i = 0; i + 1 < points.length; i++) {
            const [aLat, aLon] = points[i]!;
            const [bLat, bLon] = points[i + 1]!;
            for (let j = 0; j <= 2_000; j++) {
              const t = j / 2_000;
              best = Math.min(best, greatCircleDistanceM(lat, lon, aLat + t * (bLat - aLat), aLon + t * (bLon - aLon)));
            }
          }
          const segmentMax = Math.max(...points.slice(1).map(([bLat, bLon], i) => greatCircleDistanceM(points[i]![0], points[i]![1], bLat, bLon)));
          // Brute force overestimates by at most half its step; the engine may exceed the
          // true minimum by ≈ 2·tan(φ)·D/R of it.
          expect(near.offRouteM).toBeLessThanOrEqual(best * (1 + 0.004) + 0.01);
          expect(near.offRouteM).toBeGreaterThanOrEqual(best - segmentMax / 4_000 - 0.01);
          expect(near.positionM).toBeGreaterThanOrEqual(0);
          expect(near.positionM).toBeLessThanOrEqual(prepared.polyline.lengthM);
        },
      ),
      { numRuns: 300 },
    );
  });
});
