import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant } from '../wire/codecs';
import { intervalView, meteringAnomalyCode } from './reading';

/** A device's finalized intervals (every revision), oldest first, a page at a time. */
export const IntervalList = defineRpc(
  'rpc.metering.interval.list',
  z.strictObject({ device: didKey, from: instant.optional(), limit: z.number().int().min(1).max(500).default(96) }),
  z.strictObject({ intervals: z.array(intervalView) }),
);

/** An anomaly as operators see it. */
export const anomalyView = z.strictObject({
  id: z.uuid(),
  device: didKey,
  code: meteringAnomalyCode,
  from: instant,
  to: instant,
  details: z.string(),
  raisedAt: instant,
});

/** Anomalies, newest first, optionally of one device. */
export const AnomalyList = defineRpc(
  'rpc.metering.anomaly.list',
  z.strictObject({ device: didKey.optional(), limit: z.number().int().min(1).max(500).default(100) }),
  z.strictObject({ anomalies: z.array(anomalyView) }),
);
