import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  asAppError,
  ErrorCode,
  TripLegDisputed,
  TripLegProven,
  TripLegResolved,
  TripLegRiderAbsent,
  type DisputeOutcome,
  type RpcRequest,
  type TripProofSubmit,
} from '@ampool/contracts';
import { verifyEd25519 } from '@ampool/crypto';
import { Clock } from '@ampool/domain';
import { admitTripProof, judgeTripLeg, tripLegDeadlineMs, tripProofSigningBytes, type TripJudgeRules, type TripLegJudgement, type TripProof } from '@ampool/metering';
import { IdentityCache, outboxEvent, UnitOfWork, type Emit } from '@ampool/messaging';
import type { Tx } from '@ampool/persistence';
import { METERING_CONFIG, tripJudgeRulesOf, type MeteringConfig } from '../config';
import { TripLegsRepository, type StoredProof, type TripLegRecord } from './trip-legs.repository';

const SOURCE = 'metering';
/** Most proofs stored in one transaction. */
const PROOFS_PER_BATCH = 128;
/** Batches stored at once: one can commit while the next is being judged. */
const MAX_BATCHES_IN_FLIGHT = 2;
/** Proofs waiting for a batch, at most (beyond it new ones are refused as unavailable). */
const MAX_QUEUED = 10_000;

interface Waiting {
  proof: StoredProof;
  resolve: (outcome: { duplicate: boolean; leg: TripLegRecord }) => void;
  reject: (error: AppError) => void;
}

const REFUSALS = {
  TOO_FAR: ErrorCode.TRIP_PROOF_TOO_FAR,
  OFF_TIME: ErrorCode.TRIP_PROOF_OFF_TIME,
  OUT_OF_ORDER: ErrorCode.TRIP_PROOF_OUT_OF_ORDER,
  CONFLICT: ErrorCode.TRIP_PROOF_CONFLICT,
  WRONG_LEG: ErrorCode.TRIP_LEG_UNKNOWN,
} as const;

/**
 * Trip proofs: stores each party's signed pick-up and drop-off confirmations, judges the leg
 * (`@ampool/metering` trip-leg-judge) after every proof and on a timer, and announces each
 * verdict through the outbox in the same transaction that records it. Everything done to one
 * leg runs under its row lock, so concurrent proofs and sweeps decide a leg once.
 */
@Injectable()
export class TripProofsService {
  readonly rules: TripJudgeRules;
  private readonly logger = new Logger(TripProofsService.name);
  private readonly queue: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly legs: TripLegsRepository,
    private readonly identity: IdentityCache,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Inject(METERING_CONFIG) private readonly config: MeteringConfig,
  ) {
    this.rules = tripJudgeRulesOf(config);
  }

  /**
   * Checks one proof (the party, its key, the signature), then stores and judges it with the
   * proofs arriving at the same time. Returns the leg after it, and whether it was a repeat.
   */
  async submit(input: RpcRequest<typeof TripProofSubmit>): Promise<{ duplicate: boolean; leg: TripLegRecord }> {
    const before = await this.legs.parties(input.bookingId);
    if (!before) throw new AppError(ErrorCode.TRIP_LEG_UNKNOWN, `no confirmed booking ${input.bookingId} is known to metering (yet)`);
    const party = input.role === 'driver' ? before.driver : before.rider;
    if (input.submittedBy !== party) throw new AppError(ErrorCode.TRIP_PROOF_WRONG_PARTY, `only the booking's ${input.role} may confirm as ${input.role}`);
    const publicKey = await this.partyKey(input.signer, party);
    const proof: TripProof = {
      legId: input.bookingId, role: input.role, event: input.event, signer: input.signer,
      atMs: input.at.getTime(), latE6: input.latE6, lonE6: input.lonE6,
    };
    let bytes: Uint8Array;
    try {
      bytes = tripProofSigningBytes(proof);
    } catch (error) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, (error as Error).message);
    }
    const signature = new Uint8Array(Buffer.from(input.signature, 'base64url'));
    if (!verifyEd25519(publicKey, bytes, signature)) throw new AppError(ErrorCode.PROOF_INVALID, 'the trip proof signature does not verify with the signer key');

    return new Promise((resolve, reject) => {
      if (this.queue.length >= MAX_QUEUED) {
        reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'too many trip proofs waiting; send it again'));
        return;
      }
      this.queue.push({ proof: { ...proof, signature, receivedAt: new Date(0) }, resolve, reject });
      this.pump();
    });
  }

  /**
   * Proofs checked concurrently (key, signature) are stored in batches: one transaction takes
   * everything waiting (up to PROOFS_PER_BATCH), two batches in flight. Alone, a proof waits
   * for nothing; under load the batches grow by themselves.
   */
  private pump(): void {
    while (this.inFlight < MAX_BATCHES_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, PROOFS_PER_BATCH);
      this.inFlight++;
      void this.storeBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /**
   * One transaction for a batch: the legs locked in id order, each proof admitted against its
   * leg as the batch has left it (a later proof of the same batch sees the earlier ones and the
   * verdict they caused), the new proofs inserted at once, then each verdict recorded with its
   * event. A refused proof is refused alone; a failed transaction fails the whole batch, and
   * its senders may send again (proofs are idempotent).
   */
  private async storeBatch(batch: Waiting[]): Promise<void> {
    let outcomes: ({ ok: true; duplicate: boolean; bookingId: string } | { ok: false; error: AppError })[];
    let finals: Map<string, TripLegRecord>;
    try {
      [outcomes, finals] = await this.uow.run(async (tx, emit) => {
        const legs = await this.legs.lockMany(tx, batch.map((w) => w.proof.legId));
        const nowMs = this.clock.now();
        const judged = new Map<string, TripLegJudgement>();
        const fresh: StoredProof[] = [];
        const out: typeof outcomes = [];
        for (const { proof } of batch) {
          const leg = legs.get(proof.legId);
          if (!leg) {
            out.push({ ok: false, error: new AppError(ErrorCode.TRIP_LEG_UNKNOWN, `no confirmed booking ${proof.legId} is known to metering`) });
            continue;
          }
          const admission = admitTripProof(leg.agreed, leg.proofs, proof, nowMs, this.rules);
          const decided = leg.status !== 'open' || (judged.get(leg.bookingId)?.status ?? 'pending') !== 'pending';
          if (admission.status === 'duplicate') out.push({ ok: true, duplicate: true, bookingId: leg.bookingId });
          else if (decided) out.push({ ok: false, error: new AppError(ErrorCode.TRIP_LEG_DECIDED, `the leg is ${judged.get(leg.bookingId)?.status ?? leg.status}: no new proofs are taken`) });
          else if (admission.status === 'refused') out.push({ ok: false, error: new AppError(REFUSALS[admission.code], admission.message, { tripCode: admission.code }) });
          else {
            const stored = { ...proof, receivedAt: new Date(nowMs) };
            fresh.push(stored);
            leg.proofs.push(stored);
            judged.set(leg.bookingId, judgeTripLeg(leg.agreed, leg.proofs, nowMs, this.rules));
            out.push({ ok: true, duplicate: false, bookingId: leg.bookingId });
          }
        }
        await this.legs.insertProofs(tx, fresh);
        const classes: { bookingId: string; proofClass: 'A' | 'B' | 'C' }[] = [];
        for (const [id, j] of judged) {
          const leg = legs.get(id)!;
          if (j.status === 'pending') {
            if (j.proofClass !== leg.proofClass) classes.push({ bookingId: id, proofClass: j.proofClass });
            legs.set(id, { ...leg, proofClass: j.proofClass });
          } else legs.set(id, await this.apply(tx, emit, leg, j, nowMs));
        }
        await this.legs.setProofClasses(tx, classes);
        return [out, legs] as const;
      });
    } catch (error) {
      const e = asAppError(error, 'storing trip proofs failed');
      if (!(error instanceof AppError)) {
        if (e.code === ErrorCode.INTERNAL) this.logger.error('trip proof batch failed', (error as Error)?.stack ?? String(error));
        else this.logger.warn(`trip proof batch failed with ${e.code}: ${(error as Error)?.message ?? String(error)}`);
      }
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve({ duplicate: o.duplicate, leg: finals.get(o.bookingId)! });
      else w.reject(o.error);
    });
  }

  /** Judges an open leg now (a driver's no-show claim, or the sweeper at the deadline). */
  async judge(bookingId: string, noShowClaimed: boolean): Promise<TripLegRecord> {
    return this.uow.run(async (tx, emit) => {
      const leg = await this.legs.find(bookingId, tx, true);
      if (!leg) throw new AppError(ErrorCode.TRIP_LEG_UNKNOWN, `no confirmed booking ${bookingId} is known to metering (yet)`);
      if (leg.status !== 'open') return leg;
      const nowMs = this.clock.now();
      return this.apply(tx, emit, leg, judgeTripLeg(leg.agreed, leg.proofs, nowMs, this.rules, { noShowClaimed }), nowMs);
    });
  }

  /** An operator's resolution, or the timeout's default. Repeating the same resolution is a no-op. */
  async resolve(bookingId: string, outcome: DisputeOutcome, by: 'operator' | 'timeout', operator: string | null, note: string): Promise<TripLegRecord> {
    return this.uow.run(async (tx, emit) => {
      const leg = await this.legs.find(bookingId, tx, true);
      if (!leg) throw new AppError(ErrorCode.TRIP_LEG_UNKNOWN, `no confirmed booking ${bookingId} is known to metering`);
      if (leg.status === 'resolved' && leg.resolution?.outcome === outcome && leg.resolution.by === by) return leg;
      if (leg.status !== 'disputed') throw new AppError(ErrorCode.TRIP_DISPUTE_NOT_OPEN, `the leg is ${leg.status}${leg.resolution ? ` (${leg.resolution.outcome})` : ''}, not disputed`);
      const at = new Date(this.clock.now());
      await this.legs.resolve(tx, bookingId, { outcome, by, operator, note, at });
      emit(outboxEvent(TripLegResolved, { ...this.fact(leg, at), outcome, by, operator, note }, SOURCE));
      return (await this.legs.find(bookingId, tx))!;
    });
  }

  /** Open legs past their deadline are judged on what they have; disputes past their timeout get the default. */
  async sweep(limit = 200): Promise<{ judged: number; timedOut: number }> {
    const now = new Date(this.clock.now());
    let judged = 0;
    for (const id of await this.legs.openPastDeadline(now, limit)) {
      if ((await this.judge(id, false)).status !== 'open') judged++;
    }
    let timedOut = 0;
    for (const id of await this.legs.disputesPastTimeout(now, limit)) {
      await this.resolve(id, 'refund', 'timeout', null, 'no operator resolved the dispute in time: the rider is refunded');
      timedOut++;
    }
    return { judged, timedOut };
  }

  /** The deadline of a leg agreed now. */
  deadlineOf(agreed: TripLegRecord['agreed']): Date {
    return new Date(tripLegDeadlineMs(agreed, this.rules));
  }

  /** Records the judgement (a verdict and its event, or the proof class while pending); the leg after it. */
  private async apply(tx: Tx, emit: Emit, leg: TripLegRecord, j: TripLegJudgement, nowMs: number): Promise<TripLegRecord> {
    if (j.status === 'pending') {
      if (j.proofClass !== leg.proofClass) await this.legs.setProofClass(tx, leg.bookingId, j.proofClass);
      return { ...leg, proofClass: j.proofClass };
    }
    const at = new Date(nowMs);
    const disputeDeadlineAt = j.status === 'disputed' ? new Date(nowMs + this.config.TRIP_DISPUTE_TIMEOUT_SECONDS * 1000) : null;
    await this.legs.decide(tx, leg.bookingId, { status: j.status, codes: [...j.codes], proofClass: j.proofClass, decidedAt: at, disputeDeadlineAt });
    const fact = { ...this.fact(leg, at), proofClass: j.proofClass };
    switch (j.status) {
      case 'proven':
        emit(outboxEvent(TripLegProven, { ...fact, dropoff: j.dropoff, pickup: j.pickup ?? null }, SOURCE));
        break;
      case 'rider-absent':
        emit(outboxEvent(TripLegRiderAbsent, { ...fact, driverPickupAt: new Date(j.driverPickupAtMs) }, SOURCE));
        break;
      case 'disputed':
        emit(outboxEvent(TripLegDisputed, { ...fact, codes: [...j.codes], disputeDeadlineAt: disputeDeadlineAt! }, SOURCE));
        break;
    }
    return { ...leg, status: j.status, codes: [...j.codes], proofClass: j.proofClass, decidedAt: at, disputeDeadlineAt };
  }

  private fact(leg: TripLegRecord, at: Date) {
    return { bookingId: leg.bookingId, tripId: leg.tripId, driver: leg.driver, rider: leg.rider, proofClass: leg.proofClass, at };
  }

  /**
   * The public key of `signer`, which must be the party's own active key or the active key of
   * one of the party's active devices: one person cannot sign for the other role, since the
   * two parties of a booking are distinct participants.
   */
  private async partyKey(signer: string, party: string): Promise<Uint8Array> {
    const resolved = await this.identity.resolveKey(signer);
    const s = resolved.subject;
    const belongs = s.kind === 'participant' ? s.did === party : s.owner === party;
    if (!belongs) throw new AppError(ErrorCode.TRIP_PROOF_WRONG_PARTY, `key ${signer} does not belong to the booking's party`);
    if (resolved.status !== 'active' || (s.kind === 'device' && s.status !== 'active')) throw new AppError(ErrorCode.KEY_REVOKED, `key ${signer} is not active`);
    const ownerStatus = s.kind === 'participant' ? s.status : s.ownerStatus;
    if (ownerStatus !== 'active') throw new AppError(ErrorCode.PARTICIPANT_NOT_ACTIVE, `the party is ${ownerStatus}`);
    return new Uint8Array(Buffer.from(resolved.publicKey, 'base64url'));
  }
}
