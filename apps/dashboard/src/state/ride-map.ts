/** A trip as the map endpoint answers it (wire form). */
export interface MapTripWire {
  tripId: string;
  driver: string;
  departureAt: string;
  arrivalAt: string;
  bookingMode: 'instant' | 'approval';
  seatsOffered: number;
  seatsTaken: number;
  openRequests: number;
  route: [number, number][];
}

export interface DrawnRoute {
  tripId: string;
  /** SVG path data in the view box. */
  d: string;
  start: [number, number];
  end: [number, number];
  /** Seats taken on the fullest leg, as a share of those offered (0–1). */
  fill: number;
  /** Departed at the map's time (on the road), or still to leave. */
  moving: boolean;
}

/**
 * Projects routes into a `width` × `height` view box, north up, with the same scale on both
 * axes (longitude degrees shrink by cos(latitude)), so a city keeps its shape without any map
 * tiles. The box fits every route with `pad` units to spare.
 */
export function drawRoutes(trips: readonly MapTripWire[], atMs: number, width: number, height: number, pad = 12): DrawnRoute[] {
  const points = trips.flatMap((t) => t.route);
  if (points.length === 0) return [];
  const lats = points.map((p) => p[0]);
  const lons = points.map((p) => p[1]);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const offsetX = (width - spanX * scale) / 2;
  const offsetY = (height - spanY * scale) / 2;
  const xy = ([lat, lon]: [number, number]): [number, number] => [
    round1(offsetX + (lon - minLon) * k * scale),
    round1(height - (offsetY + (lat - minLat) * scale)),
  ];
  return trips
    .filter((t) => t.route.length >= 2)
    .map((t) => {
      const projected = t.route.map(xy);
      return {
        tripId: t.tripId,
        d: projected.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(''),
        start: projected[0]!,
        end: projected[projected.length - 1]!,
        fill: t.seatsOffered === 0 ? 0 : Math.min(1, t.seatsTaken / t.seatsOffered),
        moving: Date.parse(t.departureAt) <= atMs && atMs < Date.parse(t.arrivalAt),
      };
    });
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
