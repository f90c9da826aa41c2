import type { SeededRandom } from './seeded-random';

const DEG = Math.PI / 180;

/** The sun's elevation above the horizon (radians) at `atMs` for a latitude/longitude, by the usual textbook approximations. */
export function solarElevation(atMs: number, latitudeDeg: number, longitudeDeg: number): number {
  const date = new Date(atMs);
  const dayOfYear = Math.floor((atMs - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const declination = -23.44 * DEG * Math.cos(((2 * Math.PI) / 365) * (dayOfYear + 10));
  const utcHours = date.getUTCHours() + date.getUTCMinutes() / 60 + date.getUTCSeconds() / 3600;
  const solarTime = utcHours + longitudeDeg / 15;
  const hourAngle = (solarTime - 12) * 15 * DEG;
  const lat = latitudeDeg * DEG;
  return Math.asin(Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle));
}

/**
 * The weather of one day: how cloudy it is overall (0 clear – 1 overcast), drawn from the
 * day's own generator so every household of a neighbourhood sees the same sky.
 */
export function dailyCloudiness(random: SeededRandom, dayIndex: number): number {
  const r = random.fork(`day-${dayIndex}`);
  // A skewed draw: many clear or broken-cloud days, some fully overcast ones.
  return Math.min(1, Math.max(0, r.next() ** 1.3 + r.normal(0, 0.08)));
}

/**
 * Average PV output (W) of a system of `peakW` over the 15 minutes (or any interval) starting
 * at `startMs`: clear-sky output from the sun's elevation, reduced by the day's clouds with a
 * little passing-cloud variation per interval. Zero at night.
 */
export function pvPowerW(
  startMs: number,
  intervalMs: number,
  peakW: number,
  site: { latitudeDeg: number; longitudeDeg: number },
  weather: SeededRandom,
): number {
  if (peakW <= 0) return 0;
  const mid = startMs + intervalMs / 2;
  const elevation = solarElevation(mid, site.latitudeDeg, site.longitudeDeg);
  if (elevation <= 0) return 0;
  // Clear-sky irradiance on a tilted panel, normalised to ~1 at a high summer sun.
  const clearSky = Math.sin(elevation) ** 1.15 * 1.05;
  const day = Math.floor(mid / 86_400_000);
  const clouds = dailyCloudiness(weather, day);
  const passing = weather.fork(`interval-${Math.floor(startMs / intervalMs)}`).normal(0, 0.12);
  const transmission = Math.min(1, Math.max(0.08, 1 - 0.75 * clouds + passing * clouds));
  return Math.max(0, Math.min(peakW, peakW * clearSky * transmission));
}
