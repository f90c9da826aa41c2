import { Injectable } from '@nestjs/common';
import type { TripLegProofsView, TripLegStatus } from '@ampool/contracts';
import type { AgreedLeg, TripProof } from '@ampool/metering';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

/** A leg row with its proofs, as the service needs it. */
export interface TripLegRecord {
  bookingId: string;
  tripId: string;
  driver: string;
  rider: string;
  agreed: AgreedLeg;
  status: TripLegStatus;
  codes: string[];
  proofClass: 'A' | 'B' | 'C';
  deadlineAt: Date;
  decidedAt: Date | null;
  disputeDeadlineAt: Date | null;
  resolution: { outcome: 'completed' | 'rider-no-show' | 'refund'; by: 'operator' | 'timeout'; operator: string | null; note: string; at: Date } | null;
  proofs: StoredProof[];
}

/** A stored proof: the engine's statement and its signature. */
export interface StoredProof extends TripProof {
  signature: Uint8Array;
  receivedAt: Date;
}

interface LegRow {
  booking_id: string;
  trip_id: string;
  driver: string;
  rider: string;
  pickup_lat_e6: number;
  pickup_lon_e6: number;
  pickup_at: Date;
  dropoff_lat_e6: number;
  dropoff_lon_e6: number;
  dropoff_at: Date;
  status: TripLegStatus;
  codes: string[];
  proof_class: 'A' | 'B' | 'C';
  deadline_at: Date;
  decided_at: Date | null;
  dispute_deadline_at: Date | null;
  resolution: 'completed' | 'rider-no-show' | 'refund' | null;
  resolved_by: 'operator' | 'timeout' | null;
  resolved_operator: string | null;
  resolution_note: string | null;
  resolved_at: Date | null;
}

interface ProofRow {
  booking_id: string;
  role: 'driver' | 'rider';
  event: 'pickup' | 'dropoff';
  signer: string;
  at: Date;
  lat_e6: number;
  lon_e6: number;
  signature: Uint8Array;
  received_at: Date;
}

const LEG_COLUMNS = `booking_id::text, trip_id::text, driver, rider, pickup_lat_e6, pickup_lon_e6, pickup_at, dropoff_lat_e6, dropoff_lon_e6, dropoff_at,
  status, codes, proof_class, deadline_at, decided_at, dispute_deadline_at, resolution, resolved_by, resolved_operator, resolution_note, resolved_at`;

/** A new leg, from a confirmed booking. */
export interface NewLeg {
  bookingId: string;
  tripId: string;
  driver: string;
  rider: string;
  agreed: AgreedLeg;
  deadlineAt: Date;
}

/** A verdict to record. */
export interface LegDecision {
  status: 'proven' | 'rider-absent' | 'disputed';
  codes: string[];
  proofClass: 'A' | 'B' | 'C';
  decidedAt: Date;
  disputeDeadlineAt: Date | null;
}

/** `metering.trip_leg` and `metering.trip_proof`. */
@Injectable()
export class TripLegsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records a confirmed booking's leg; a second confirmation of the same booking changes nothing. */
  async insertLeg(tx: Tx, leg: NewLeg): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `INSERT INTO metering.trip_leg (booking_id, trip_id, driver, rider, pickup_lat_e6, pickup_lon_e6, pickup_at, dropoff_lat_e6, dropoff_lon_e6, dropoff_at, status, deadline_at)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11) ON CONFLICT (booking_id) DO NOTHING`,
      leg.bookingId, leg.tripId, leg.driver, leg.rider, leg.agreed.pickup.latE6, leg.agreed.pickup.lonE6, new Date(leg.agreed.pickup.atMs),
      leg.agreed.dropoff.latE6, leg.agreed.dropoff.lonE6, new Date(leg.agreed.dropoff.atMs), leg.deadlineAt,
    );
    return n === 1;
  }

  /** A cancelled booking's leg is judged no more (unless a verdict was already reached). */
  async voidLeg(tx: Tx, bookingId: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `UPDATE metering.trip_leg SET status = 'void', updated_at = CURRENT_TIMESTAMP WHERE booking_id = $1::uuid AND status IN ('open', 'disputed')`,
      bookingId,
    );
    return n === 1;
  }

  /** One leg without its proofs (who its parties are). */
  async parties(bookingId: string): Promise<{ driver: string; rider: string } | undefined> {
    const rows = await this.prisma.$queryRawUnsafe<{ driver: string; rider: string }[]>(`SELECT driver, rider FROM metering.trip_leg WHERE booking_id = $1::uuid`, bookingId);
    return rows[0];
  }

  /** One leg with its proofs; `lock` takes the row lock (serialises everything done to one leg). */
  async find(bookingId: string, db: Db = this.prisma, lock = false): Promise<TripLegRecord | undefined> {
    const rows = await db.$queryRawUnsafe<LegRow[]>(`SELECT ${LEG_COLUMNS} FROM metering.trip_leg WHERE booking_id = $1::uuid${lock ? ' FOR UPDATE' : ''}`, bookingId);
    if (rows.length === 0) return undefined;
    const proofs = await db.$queryRawUnsafe<ProofRow[]>(
      `SELECT booking_id::text, role, event, signer, at, lat_e6, lon_e6, signature, received_at FROM metering.trip_proof WHERE booking_id = $1::uuid ORDER BY received_at, role, event LIMIT 4`,
      bookingId,
    );
    return toRecord(rows[0]!, proofs);
  }

  /** Several legs with their proofs, locked in booking-id order (as every batch locks them: no deadlock). */
  async lockMany(tx: Tx, bookingIds: string[]): Promise<Map<string, TripLegRecord>> {
    const ids = [...new Set(bookingIds)].sort();
    const rows = await tx.$queryRawUnsafe<LegRow[]>(`SELECT ${LEG_COLUMNS} FROM metering.trip_leg WHERE booking_id = ANY($1::uuid[]) ORDER BY booking_id FOR UPDATE`, ids);
    const proofs = await tx.$queryRawUnsafe<ProofRow[]>(
      `SELECT booking_id::text, role, event, signer, at, lat_e6, lon_e6, signature, received_at FROM metering.trip_proof WHERE booking_id = ANY($1::uuid[]) ORDER BY received_at, role, event`,
      ids,
    );
    const byLeg = new Map<string, ProofRow[]>();
    for (const p of proofs) byLeg.set(p.booking_id, [...(byLeg.get(p.booking_id) ?? []), p]);
    return new Map(rows.map((r) => [r.booking_id, toRecord(r, byLeg.get(r.booking_id) ?? [])]));
  }

  /** One multi-row insert for a batch of proofs. */
  async insertProofs(tx: Tx, proofs: StoredProof[]): Promise<void> {
    if (proofs.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO metering.trip_proof (booking_id, role, event, signer, at, lat_e6, lon_e6, signature, received_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::int[], $8::bytea[], $9::timestamptz[])`,
      proofs.map((p) => p.legId), proofs.map((p) => p.role), proofs.map((p) => p.event), proofs.map((p) => p.signer), proofs.map((p) => new Date(p.atMs)),
      proofs.map((p) => p.latE6), proofs.map((p) => p.lonE6), proofs.map((p) => Buffer.from(p.signature)), proofs.map((p) => p.receivedAt),
    );
  }

  /** The proof classes of legs still waiting (one statement for the batch). */
  async setProofClasses(tx: Tx, changes: { bookingId: string; proofClass: 'A' | 'B' | 'C' }[]): Promise<void> {
    if (changes.length === 0) return;
    await tx.$executeRawUnsafe(
      `UPDATE metering.trip_leg AS l SET proof_class = c.cls, updated_at = CURRENT_TIMESTAMP FROM unnest($1::uuid[], $2::text[]) AS c(id, cls) WHERE l.booking_id = c.id`,
      changes.map((c) => c.bookingId), changes.map((c) => c.proofClass),
    );
  }

  async setProofClass(tx: Tx, bookingId: string, proofClass: 'A' | 'B' | 'C'): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE metering.trip_leg SET proof_class = $2, updated_at = CURRENT_TIMESTAMP WHERE booking_id = $1::uuid`, bookingId, proofClass);
  }

  /** Records a verdict on an open leg. */
  async decide(tx: Tx, bookingId: string, d: LegDecision): Promise<void> {
    const n = await tx.$executeRawUnsafe(
      `UPDATE metering.trip_leg SET status = $2, codes = $3::text[], proof_class = $4, decided_at = $5, dispute_deadline_at = $6, updated_at = CURRENT_TIMESTAMP
       WHERE booking_id = $1::uuid AND status = 'open'`,
      bookingId, d.status, d.codes, d.proofClass, d.decidedAt, d.disputeDeadlineAt,
    );
    if (n !== 1) throw new Error(`leg ${bookingId} was not open`);
  }

  /** Ends a dispute. */
  async resolve(tx: Tx, bookingId: string, r: { outcome: string; by: 'operator' | 'timeout'; operator: string | null; note: string; at: Date }): Promise<void> {
    const n = await tx.$executeRawUnsafe(
      `UPDATE metering.trip_leg SET status = 'resolved', resolution = $2, resolved_by = $3, resolved_operator = $4, resolution_note = $5, resolved_at = $6, updated_at = CURRENT_TIMESTAMP
       WHERE booking_id = $1::uuid AND status = 'disputed'`,
      bookingId, r.outcome, r.by, r.operator, r.note, r.at,
    );
    if (n !== 1) throw new Error(`leg ${bookingId} was not disputed`);
  }

  /** Open legs whose deadline has passed, oldest first. */
  async openPastDeadline(now: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT booking_id::text AS id FROM metering.trip_leg WHERE status = 'open' AND deadline_at <= $1 ORDER BY deadline_at LIMIT $2`,
      now, limit,
    );
    return rows.map((r) => r.id);
  }

  /** Disputes whose timeout has passed, oldest first. */
  async disputesPastTimeout(now: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT booking_id::text AS id FROM metering.trip_leg WHERE status = 'disputed' AND dispute_deadline_at <= $1 ORDER BY dispute_deadline_at LIMIT $2`,
      now, limit,
    );
    return rows.map((r) => r.id);
  }

  /** Legs of one status, by booking id, a page at a time. */
  async list(status: TripLegStatus, after: string | undefined, limit: number): Promise<TripLegRecord[]> {
    const rows = await this.prisma.$queryRawUnsafe<LegRow[]>(
      `SELECT ${LEG_COLUMNS} FROM metering.trip_leg WHERE status = $1 AND ($2::uuid IS NULL OR booking_id > $2::uuid) ORDER BY booking_id LIMIT $3`,
      status, after ?? null, limit,
    );
    if (rows.length === 0) return [];
    const proofs = await this.prisma.$queryRawUnsafe<ProofRow[]>(
      `SELECT booking_id::text, role, event, signer, at, lat_e6, lon_e6, signature, received_at FROM metering.trip_proof WHERE booking_id = ANY($1::uuid[]) ORDER BY received_at, role, event`,
      rows.map((r) => r.booking_id),
    );
    return rows.map((r) => toRecord(r, proofs.filter((p) => p.booking_id === r.booking_id)));
  }
}

function toRecord(r: LegRow, proofs: ProofRow[]): TripLegRecord {
  return {
    bookingId: r.booking_id,
    tripId: r.trip_id,
    driver: r.driver,
    rider: r.rider,
    agreed: {
      legId: r.booking_id,
      pickup: { latE6: r.pickup_lat_e6, lonE6: r.pickup_lon_e6, atMs: r.pickup_at.getTime() },
      dropoff: { latE6: r.dropoff_lat_e6, lonE6: r.dropoff_lon_e6, atMs: r.dropoff_at.getTime() },
    },
    status: r.status,
    codes: r.codes,
    proofClass: r.proof_class,
    deadlineAt: r.deadline_at,
    decidedAt: r.decided_at,
    disputeDeadlineAt: r.dispute_deadline_at,
    resolution:
      r.resolution === null
        ? null
        : { outcome: r.resolution, by: r.resolved_by ?? 'operator', operator: r.resolved_operator, note: r.resolution_note ?? '', at: r.resolved_at ?? r.deadline_at },
    proofs: proofs.map((p) => ({
      legId: p.booking_id, role: p.role, event: p.event, signer: p.signer, atMs: p.at.getTime(), latE6: p.lat_e6, lonE6: p.lon_e6,
      signature: new Uint8Array(p.signature), receivedAt: p.received_at,
    })),
  };
}

/** The API's view of a leg. */
export function tripLegView(l: TripLegRecord): TripLegProofsView {
  return {
    bookingId: l.bookingId,
    tripId: l.tripId,
    driver: l.driver,
    rider: l.rider,
    pickup: { latE6: l.agreed.pickup.latE6, lonE6: l.agreed.pickup.lonE6, at: new Date(l.agreed.pickup.atMs) },
    dropoff: { latE6: l.agreed.dropoff.latE6, lonE6: l.agreed.dropoff.lonE6, at: new Date(l.agreed.dropoff.atMs) },
    status: l.status,
    codes: l.codes,
    proofClass: l.proofClass,
    proofs: l.proofs.map((p) => ({
      role: p.role, event: p.event, signer: p.signer, at: new Date(p.atMs), latE6: p.latE6, lonE6: p.lonE6,
      signature: Buffer.from(p.signature).toString('base64url'), receivedAt: p.receivedAt,
    })),
    deadlineAt: l.deadlineAt,
    disputeDeadlineAt: l.disputeDeadlineAt,
    resolution: l.resolution,
    decidedAt: l.decidedAt,
  };
}
