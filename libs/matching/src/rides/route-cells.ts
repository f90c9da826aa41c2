/**
 * The H3 side of the ride index: which cells a route passes through (with the route
 * positions in each), and how many rings around a query cell are enough to find every cell
 * that holds a route point within a given distance.
 *
 * The argument that makes the index exact (never misses a trip the rules accept):
 *
 * 1. **Samples.** Each route is sampled along its segments so that consecutive samples are
 *    at most `s` metres apart (`s` = half the average hexagon edge of the resolution), and
 *    every vertex is a sample. Any point P of the route lies between two consecutive samples,
 *    so one of them, S, is within s/2 of P.
 * 2. **Runs.** Consecutive samples in the same cell form one run; a run records the route
 *    positions from the sample *before* its first sample to the sample *after* its last
 *    one. So the run of S covers P's position (P lies between S and a neighbour of S).
 * 3. **Rings.** Let Q be a query point in cell c₀ and X any point within D of Q, in cell cₓ.
 *    The cell centres are at most D + 2·Rc apart (Rc: the largest centre-to-vertex distance
 *    of a cell). In a hexagonal grid with inradius r, cells k rings apart have centres at
 *    least k·√3·r apart. Hence cₓ lies within k = ⌊(D + 2·Rc) / (√3·r)⌋ rings of c₀. Rc and
 *    r are measured on the query cell, with 5 % margins for the size and shape changes of
 *    H3 cells over a few kilometres (H3's distortion varies slowly: neighbouring cells
 *    differ by well under 1 %). Measured on 100,000 random points at exactly D (≤ 8 km) from
 *    random query points at |lat| ≤ 80°, resolutions 7 – 10: the bound without any margin
 *    never failed, and one ring fewer than the bound failed for 2.4 % of them.
 * 4. A trip whose pickup point P is within d of Q has a sample within d + s/2 of Q, so
 *    querying every cell within k(d + s/2) rings finds P's run. `ringsFor` adds one metre
 *    for rounding (rules compare distances rounded to the metre).
 *
 * `route-cells.spec.ts` checks step 3 directly (random points and distances at many
 * latitudes) and the matcher's property test checks the whole chain against a full scan.
 */
import { cellToBoundary, cellToLatLng, getHexagonEdgeLengthAvg, latLngToCell } from 'h3-js';
import { EARTH_RADIUS_M, type Polyline, greatCircleDistanceM, pointOnSegment, wrapLonDelta } from './geo';

/** Part of a route inside one H3 cell: one run of consecutive samples, with the positions it covers. */
export interface RouteRun {
  readonly cell: string;
  /** Lowest route position this run covers, metres (the sample before the run). */
  readonly minPosM: number;
  /** Highest route position this run covers, metres (the sample after the run). */
  readonly maxPosM: number;
}

/** Distance between route samples for a resolution: half the average hexagon edge. */
export function sampleSpacingM(resolution: number): number {
  return getHexagonEdgeLengthAvg(resolution, 'm') / 2;
}

/**
 * The runs of a route at `resolution`, in route order (a route that re-enters a cell gets a
 * new run there). Spacing between consecutive samples is at most `spacingM`, measured as
 * great-circle distance between the interpolated points.
 */
export function routeRuns(route: Polyline, resolution: number, spacingM: number): RouteRun[] {
  const cells: string[] = [];
  const positions: number[] = [];
  const push = (lat: number, lon: number, positionM: number): void => {
    cells.push(latLngToCell(lat, lon, resolution));
    positions.push(positionM);
  };
  push(route.lat[0]!, route.lon[0]!, 0);
  for (let i = 0; i < route.pointCount - 1; i++) {
    const startM = route.cumulativeM[i]!;
    const lengthM = route.cumulativeM[i + 1]! - startM;
    if (lengthM === 0) continue;
    const pieces = piecesFor(route, i, lengthM, spacingM);
    for (let j = 1; j <= pieces; j++) {
      const t = j / pieces;
      const [lat, lon] = j === pieces ? [route.lat[i + 1]!, route.lon[i + 1]!] : pointOnSegment(route, i, t);
      push(lat, lon, j === pieces ? route.cumulativeM[i + 1]! : startM + t * lengthM);
    }
  }
  const runs: RouteRun[] = [];
  let first = 0;
  for (let j = 1; j <= cells.length; j++) {
    if (j < cells.length && cells[j] === cells[first]) continue;
    runs.push({
      cell: cells[first]!,
      minPosM: positions[Math.max(0, first - 1)]!,
      maxPosM: positions[Math.min(cells.length - 1, j)]!,
    });
    first = j;
  }
  return runs;
}

/**
 * Number of equal pieces (in the segment's parameter) so that no piece is longer than
 * `spacingM`. Pieces of a segment that is linear in degrees are not exactly equal on the
 * sphere (the east–west scale changes with latitude), so the count is checked and raised
 * until the longest piece fits; for city segments the first guess already fits.
 */
function piecesFor(route: Polyline, segment: number, lengthM: number, spacingM: number): number {
  let pieces = Math.max(1, Math.ceil(lengthM / spacingM));
  for (let attempt = 0; attempt < 8; attempt++) {
    let longest = 0;
    let [prevLat, prevLon] = [route.lat[segment]!, route.lon[segment]!];
    // Every piece is measured: it costs one haversine each, at indexing time only.
    for (let j = 1; j <= pieces; j++) {
      const [lat, lon] = pointOnSegment(route, segment, j / pieces);
      const piece = greatCircleDistanceM(prevLat, prevLon, lat, lon);
      if (piece > longest) longest = piece;
      prevLat = lat;
      prevLon = lon;
    }
    if (longest <= spacingM) return pieces;
    pieces = Math.ceil((pieces * longest) / spacingM) + 1;
  }
  return pieces;
}

/**
 * The local shape of the grid around a query cell, for {@link ringsFor}: `padM` = 2·Rc (+5 %)
 * plus the sample half-spacing and a metre for rounding, `ringStepM` = √3·r (−5 %).
 */
export interface RingGeometry {
  readonly padM: number;
  readonly ringStepM: number;
}

const RAD_PER_DEG = Math.PI / 180;
const M_PER_DEG = EARTH_RADIUS_M * RAD_PER_DEG;

/** Measures the query cell: largest centre-to-vertex distance and smallest centre-to-edge distance. */
export function ringGeometry(cell: string, spacingM: number): RingGeometry {
  const [cLat, cLon] = cellToLatLng(cell);
  const boundary = cellToBoundary(cell);
  const kx = Math.cos(cLat * RAD_PER_DEG);
  let circumradiusM = 0;
  let inradiusM = Infinity;
  const n = boundary.length;
  for (let i = 0; i < n; i++) {
    const [aLat, aLon] = boundary[i]!;
    const [bLat, bLon] = boundary[(i + 1) % n]!;
    circumradiusM = Math.max(circumradiusM, greatCircleDistanceM(cLat, cLon, aLat, aLon));
    // Distance from the centre to the edge's line, in a local equirectangular plane around
    // the centre (a cell is a few hundred metres across, so the plane is exact enough).
    const ax = wrapLonDelta(aLon - cLon) * kx;
    const ay = aLat - cLat;
    const bx = wrapLonDelta(bLon - cLon) * kx;
    const by = bLat - cLat;
    const edge = Math.hypot(bx - ax, by - ay);
    if (edge === 0) continue;
    const distanceDeg = Math.abs(ax * by - ay * bx) / edge;
    inradiusM = Math.min(inradiusM, distanceDeg * M_PER_DEG);
  }
  return { padM: 2 * circumradiusM * 1.05 + spacingM / 2 + 1, ringStepM: Math.sqrt(3) * inradiusM * 0.95 };
}

/** Rings around the query cell that hold every cell with a route sample within `distanceM` (+ sampling slack) of the query point. */
export function ringsFor(distanceM: number, geometry: RingGeometry): number {
  return Math.floor((distanceM + geometry.padM) / geometry.ringStepM);
}
