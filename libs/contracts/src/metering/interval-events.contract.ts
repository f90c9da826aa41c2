import { z } from 'zod';
import { defineEvent } from '../contract';
import { deviceType } from '../identity/device';
import { didKey, instant, int64, nonNegativeInt64 } from '../wire/codecs';
import { intervalQuality, meteringAnomalyCode } from './reading';

const intervalFact = {
  device: didKey,
  owner: didKey,
  /**
   * What kind of device measured it: only a grid meter's export proves delivery to settlement
   * (a battery's own readings report its charge). Absent in events written before it existed.
   */
  deviceType: deviceType.optional(),
  intervalStart: instant,
  intervalMinutes: z.number().int(),
  importWh: int64,
  exportWh: int64,
  quality: intervalQuality,
  estimated: z.boolean(),
  anomalies: z.array(meteringAnomalyCode),
  socEndWh: nonNegativeInt64.nullable(),
};

/** An interval became a fact: settlement pays on measured intervals; others follow a documented rule. */
export const IntervalFinalized = defineEvent('evt.metering.interval.finalized.v1', z.strictObject({ ...intervalFact, revision: z.literal(0) }));

/** A finalized interval changed (a late reading): the new revision, and the change. */
export const IntervalCorrected = defineEvent(
  'evt.metering.interval.corrected.v1',
  z.strictObject({ ...intervalFact, revision: z.number().int().positive(), importDeltaWh: int64, exportDeltaWh: int64, reasons: z.array(z.string()) }),
);

/** Something about a device's data is wrong: stored, visible to operators, never used for money unflagged. */
export const AnomalyRaised = defineEvent(
  'evt.metering.anomaly.raised.v1',
  z.strictObject({ device: didKey, code: meteringAnomalyCode, from: instant, to: instant, details: z.string() }),
);
