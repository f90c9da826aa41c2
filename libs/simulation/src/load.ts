import type { SeededRandom } from './seeded-random';

/** A household's consumption pattern. */
export interface LoadProfile {
  /** Yearly consumption without an electric car, kWh (a Dutch household: about 2,500–3,500). */
  annualKwh: number;
  /** 0–1: how much the household uses in the evening versus the morning. */
  eveningWeight: number;
}

/** Shape of a day (hour of day → relative use): night base, morning peak, evening peak. */
function dailyShape(hour: number, eveningWeight: number): number {
  const bump = (centre: number, width: number) => Math.exp(-((hour - centre) ** 2) / (2 * width * width));
  return 0.45 + (1 - eveningWeight) * 1.2 * bump(7.5, 1.2) + 0.6 * bump(13, 2.5) + eveningWeight * 2.2 * bump(19, 1.8);
}

const shapeMeans = new Map<number, number>();

/** The shape's average over a day (memoised per evening weight), so profiles scale to their yearly total. */
function shapeMean(w: number): number {
  let mean = shapeMeans.get(w);
  if (mean === undefined) {
    let sum = 0;
    for (let m = 0; m < 24 * 60; m += 15) sum += dailyShape(m / 60, w);
    mean = sum / 96;
    if (shapeMeans.size < 10_000) shapeMeans.set(w, mean);
  }
  return mean;
}

/**
 * Average household power (W) over the interval starting at `startMs` (UTC, for a place on
 * about UTC+1): the daily shape scaled to the yearly total, more in winter, with noise from
 * the household's own generator.
 */
export function loadPowerW(startMs: number, intervalMs: number, profile: LoadProfile, random: SeededRandom): number {
  const mid = startMs + intervalMs / 2;
  const date = new Date(mid);
  const localHour = (date.getUTCHours() + 1 + date.getUTCMinutes() / 60) % 24;
  const dayOfYear = Math.floor((mid - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000);
  const seasonal = 1 + 0.22 * Math.cos(((2 * Math.PI) / 365) * (dayOfYear - 15));
  const averageW = (profile.annualKwh * 1000) / 8760;
  const shape = dailyShape(localHour, profile.eveningWeight) / shapeMean(profile.eveningWeight);
  const noise = Math.max(0.3, random.fork(Math.floor(startMs / intervalMs)).normal(1, 0.25));
  return averageW * seasonal * shape * noise;
}
