/**
 * At most `max` points of a polyline, evenly spaced by index and always keeping both ends:
 * what a map needs to draw a route, at a fraction of its size.
 */
export function thinRoute<P>(route: readonly P[], max: number): P[] {
  if (max < 2) throw new RangeError('a route needs at least two points');
  if (route.length <= max) return [...route];
  const out: P[] = [];
  for (let i = 0; i < max; i++) out.push(route[Math.round((i * (route.length - 1)) / (max - 1))]!);
  return out;
}
