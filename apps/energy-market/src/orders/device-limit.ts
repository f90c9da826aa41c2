/** What the market knows of a selling device (identity's rating). */
export interface SellingDevice {
  type: string;
  powerW: bigint;
  capacityWh: bigint;
  reserveWh: bigint;
}

/** A battery's last reported state of charge. */
export interface ReportedCharge {
  socWh: bigint;
  atMs: number;
}

/**
 * The most a device may sell in one delivery interval, in Wh (before what it already sells
 * in that interval):
 * - every device: its power rating over the interval's length;
 * - a battery: also the energy it holds above its reserve — its last reported state of charge
 *   minus what it has sold for other intervals that end after that report (energy the report
 *   does not yet show as gone). A battery that has never reported is taken as full to its
 *   rated capacity, less what it sells for other intervals not yet over.
 * Never negative.
 */
export function deviceLimitWh(device: SellingDevice, intervalMinutes: number, charge: ReportedCharge | null, soldElsewhereWh: bigint): bigint {
  let limit = (device.powerW * BigInt(intervalMinutes)) / 60n;
  if (device.type === 'battery') {
    const stored = (charge === null ? device.capacityWh : charge.socWh) - device.reserveWh - soldElsewhereWh;
    if (stored < limit) limit = stored;
  }
  return limit > 0n ? limit : 0n;
}
