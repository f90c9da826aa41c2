/**
 * The pure metering engine: DSMR P1 telegram parsing with CRC-16 checks, interval energy from
 * cumulative registers, anomalies, the signing formats of readings and telegrams, and trip
 * proofs. No I/O, no clock, no randomness: the metering service wraps it with all three.
 * Rules and worked examples: README.md next to this folder.
 */
export { fail, ok, MeteringError, METERING_ERROR_CODES } from './metering-result';
export type { Failure, MeteringErrorCode, Ok, Result } from './metering-result';

export { MAX_READING_MS, MAX_REGISTER_WH, readingProblem } from './meter-reading';
export type { MeterReading } from './meter-reading';

export { crc16Arc } from './dsmr/crc16-arc';
export { DsmrErrorCode } from './dsmr/dsmr-codes';
export { decimalToScaledInteger, MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS } from './dsmr/dsmr-decimal';
export type { ScaledInteger } from './dsmr/dsmr-decimal';
export { MAX_TELEGRAM_BYTES, readDsmrFrame } from './dsmr/dsmr-frame';
export type { DsmrCrcStatus, DsmrFrame, DsmrFrameFailure } from './dsmr/dsmr-frame';
export { parseDsmrTelegram } from './dsmr/dsmr-parser';
export type {
  DsmrEnergyRegister,
  DsmrEquipmentId,
  DsmrHeader,
  DsmrObject,
  DsmrParseFailure,
  DsmrParseOptions,
  DsmrParseResult,
  DsmrTelegram,
} from './dsmr/dsmr-parser';
export { dsmrMeterReading } from './dsmr/dsmr-reading';
export type { DsmrMeterReading, DsmrReadingErrorCode, DsmrReadingOptions } from './dsmr/dsmr-reading';
export { DEFAULT_DSMR_TIME_ZONE, DSMR_TIME_ZONES, dsmrTimestampToUtc, isDsmrTimeZone, isEuSummerTime } from './dsmr/dsmr-time';
export type { DsmrTimeZone, DsmrTimestamp } from './dsmr/dsmr-time';

export {
  ANOMALY_CODES,
  AnomalyCode,
  DEFAULT_ANOMALY_POLICY,
  anomalyTouches,
  isAboveRatingEnergy,
  isAboveRatingPower,
  registrationAnomaly,
  screenReadings,
  segmentAnomalies,
} from './anomalies';
export type { Anomaly, AnomalyPolicy, DeviceFacts, ScreenedReadings } from './anomalies';

export {
  computeIntervalEnergy,
  DEFAULT_ESTIMATE_AFTER_MS,
  intervalCorrection,
  IntervalEnergyErrorCode,
  MAX_INTERVALS_PER_CALL,
  MAX_READINGS_PER_CALL,
} from './interval-energy';
export type {
  CorrectionReason,
  IntervalCorrection,
  IntervalEnergy,
  IntervalEnergyOptions,
  IntervalEnergyReport,
  IntervalQuality,
  RegisterValues,
} from './interval-energy';

export {
  MAX_BATCH_READINGS,
  MAX_DID_LENGTH,
  READING_BATCH_DOMAIN,
  readingBatchSignatureAnomaly,
  readingBatchSigningBytes,
  TELEGRAM_DOMAIN,
  telegramSigningBytes,
  verifyReadingBatch,
  verifyTelegramSubmission,
} from './signed-reading';
export type { ReadingBatch, TelegramSubmission } from './signed-reading';

export {
  DEFAULT_TRIP_PROOF_TOLERANCES,
  EARTH_MEAN_RADIUS_M,
  evaluateTripLeg,
  greatCircleDistanceM,
  MAX_PROOFS_PER_LEG,
  MAX_TRIP_ID_LENGTH,
  TRIP_PROOF_DOMAIN,
  TripProofCode,
  tripProofSigningBytes,
} from './trip-proofs';
export type {
  ProofAgreement,
  ProofClass,
  SignedTripProof,
  TripEvent,
  TripLegEvidence,
  TripLegVerdict,
  TripParty,
  TripProof,
  TripProofTolerances,
  TripRole,
} from './trip-proofs';

export { admitTripProof, DEFAULT_TRIP_JUDGE_RULES, judgeTripLeg, tripLegDeadlineMs } from './trip-leg-judge';
export type { AgreedLeg, AgreedPoint, TripJudgeRules, TripLegJudgement, TripProofAdmission, TripProofRefusal } from './trip-leg-judge';
