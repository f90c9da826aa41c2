import { Injectable } from '@nestjs/common';
import type { BookingView } from '@ampool/contracts';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

export type BookingStateName = BookingView['state'];
export type HoldStateName = BookingView['holdState'];

/** A booking row. Meeting points are stored as the JSON of the offer's meeting point. */
export interface BookingRecord {
  id: string;
  tripId: string;
  rider: string;
  driver: string;
  bookingMode: 'instant' | 'approval';
  state: BookingStateName;
  holdState: HoldStateName;
  seats: number;
  fromM: number;
  toM: number;
  pickup: BookingView['pickup'];
  dropoff: BookingView['dropoff'];
  pickupAt: Date;
  dropoffAt: Date;
  farePerSeatMicro: bigint;
  fareMicro: bigint;
  feeMicro: bigint;
  requestHash: string;
  expiresAt: Date | null;
  rule: string | null;
  riderRefundMicro: bigint | null;
  driverPayoutMicro: bigint | null;
  platformFeeMicro: bigint | null;
  cancelledBy: 'rider' | 'driver' | null;
  createdAt: Date;
  updatedAt: Date;
}

interface BookingSqlRow {
  id: string; trip_id: string; rider: string; driver: string; booking_mode: 'instant' | 'approval'; state: BookingStateName; hold_state: HoldStateName;
  seats: number; from_m: number; to_m: number; pickup: string; dropoff: string; pickup_at: Date; dropoff_at: Date; fare_per_seat_micro: bigint;
  fare_micro: bigint; fee_micro: bigint; request_hash: string; expires_at: Date | null; rule: string | null; rider_refund_micro: bigint | null;
  driver_payout_micro: bigint | null; platform_fee_micro: bigint | null; cancelled_by: 'rider' | 'driver' | null; created_at: Date; updated_at: Date;
}

const COLUMNS = `id::text, trip_id::text, rider, driver, booking_mode, state, hold_state, seats, from_m, to_m, pickup, dropoff, pickup_at, dropoff_at,
  fare_per_seat_micro, fare_micro, fee_micro, request_hash, expires_at, rule, rider_refund_micro, driver_payout_micro, platform_fee_micro,
  cancelled_by, created_at, updated_at`;
/** COLUMNS of `rides.booking AS b`, for statements that join it. */
const B_COLUMNS = COLUMNS.replace(
  /\b(id|trip_id|rider|driver|booking_mode|state|hold_state|seats|from_m|to_m|pickup|dropoff|pickup_at|dropoff_at|fare_per_seat_micro|fare_micro|fee_micro|request_hash|expires_at|rule|rider_refund_micro|driver_payout_micro|platform_fee_micro|cancelled_by|created_at|updated_at)\b/g,
  'b.$1',
);

function toRecord(r: BookingSqlRow): BookingRecord {
  return {
    id: r.id, tripId: r.trip_id, rider: r.rider, driver: r.driver, bookingMode: r.booking_mode, state: r.state, holdState: r.hold_state,
    seats: r.seats, fromM: r.from_m, toM: r.to_m, pickup: JSON.parse(r.pickup), dropoff: JSON.parse(r.dropoff), pickupAt: r.pickup_at,
    dropoffAt: r.dropoff_at, farePerSeatMicro: r.fare_per_seat_micro, fareMicro: r.fare_micro, feeMicro: r.fee_micro, requestHash: r.request_hash,
    expiresAt: r.expires_at, rule: r.rule, riderRefundMicro: r.rider_refund_micro, driverPayoutMicro: r.driver_payout_micro,
    platformFeeMicro: r.platform_fee_micro, cancelledBy: r.cancelled_by, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** The split of a booking's hold, as the policy decided it. */
export interface SplitRecord {
  rule: string;
  riderRefundMicro: bigint;
  driverPayoutMicro: bigint;
  platformFeeMicro: bigint;
}

/** `rides.booking` and `rides.driver_mark`. */
@Injectable()
export class BookingsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Serialises work on these booking ids across instances: transaction-scoped advisory locks,
   * taken in sorted order before any trip lock, so two requests with the same new id cannot
   * both insert it.
   */
  async lockIds(tx: Tx, ids: string[]): Promise<void> {
    await tx.$queryRawUnsafe(
      `SELECT count(pg_advisory_xact_lock(hashtextextended('rides.booking:' || b, 0)))::int AS n FROM unnest($1::text[]) AS t(b)`,
      [...new Set(ids)].sort(),
    );
  }

  async find(ids: string[], db: Db = this.prisma, forUpdate = false): Promise<Map<string, BookingRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await db.$queryRawUnsafe<BookingSqlRow[]>(
      `SELECT ${COLUMNS} FROM rides.booking WHERE id = ANY($1::uuid[]) ORDER BY id${forUpdate ? ' FOR UPDATE' : ''}`,
      ids,
    );
    return new Map(rows.map((r) => [r.id, toRecord(r)]));
  }

  async findOne(id: string, db: Db = this.prisma, forUpdate = false): Promise<BookingRecord | undefined> {
    return (await this.find([id], db, forUpdate)).get(id);
  }

  async insertReserved(tx: Tx, rows: Omit<BookingRecord, 'state' | 'holdState' | 'expiresAt' | 'rule' | 'riderRefundMicro' | 'driverPayoutMicro' | 'platformFeeMicro' | 'cancelledBy' | 'createdAt' | 'updatedAt'>[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO rides.booking (id, trip_id, rider, driver, booking_mode, state, hold_state, seats, from_m, to_m, pickup, dropoff, pickup_at, dropoff_at,
                                  fare_per_seat_micro, fare_micro, fee_micro, request_hash)
       SELECT id, trip_id, rider, driver, mode, 'reserved', 'placing', seats, from_m, to_m, pickup, dropoff, pickup_at, dropoff_at, fps, fare, fee, hash
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::text[], $10::text[],
                   $11::timestamptz[], $12::timestamptz[], $13::bigint[], $14::bigint[], $15::bigint[], $16::text[])
         AS t(id, trip_id, rider, driver, mode, seats, from_m, to_m, pickup, dropoff, pickup_at, dropoff_at, fps, fare, fee, hash)`,
      rows.map((r) => r.id), rows.map((r) => r.tripId), rows.map((r) => r.rider), rows.map((r) => r.driver), rows.map((r) => r.bookingMode),
      rows.map((r) => r.seats), rows.map((r) => r.fromM), rows.map((r) => r.toM), rows.map((r) => JSON.stringify(r.pickup)),
      rows.map((r) => JSON.stringify(r.dropoff)), rows.map((r) => r.pickupAt), rows.map((r) => r.dropoffAt),
      rows.map((r) => r.farePerSeatMicro.toString()), rows.map((r) => r.fareMicro.toString()), rows.map((r) => r.feeMicro.toString()),
      rows.map((r) => r.requestHash),
    );
  }

  /**
   * Second step of the saga: reserved bookings whose money is held become requested or
   * confirmed. Only rows still `reserved` and `placing` (not being compensated) on a trip still
   * published move; the rows moved are returned.
   */
  async confirmHeld(tx: Tx, items: { id: string; state: 'requested' | 'confirmed'; expiresAt: Date | null }[]): Promise<BookingRecord[]> {
    if (items.length === 0) return [];
    const rows = await tx.$queryRawUnsafe<BookingSqlRow[]>(
      `UPDATE rides.booking AS b SET state = x.state, hold_state = 'held', expires_at = x.expires_at, updated_at = CURRENT_TIMESTAMP
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS x(id, state, expires_at), rides.trip AS t
       WHERE b.id = x.id AND b.state = 'reserved' AND b.hold_state = 'placing' AND t.id = b.trip_id AND t.status = 'published'
       RETURNING ${B_COLUMNS}`,
      items.map((i) => i.id), items.map((i) => i.state), items.map((i) => i.expiresAt),
    );
    return rows.map(toRecord);
  }

  /**
   * Claims reserved bookings for compensation before their holds are released: `reserved` with
   * hold `releasing` can no longer be confirmed (see confirmHeld), so a confirmation racing on
   * another instance either lands first (the row is then not returned here and nothing is
   * released) or not at all. Rows already claimed are returned again (the release is idempotent).
   */
  async claimForCompensation(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE rides.booking SET hold_state = 'releasing', updated_at = CURRENT_TIMESTAMP
       WHERE id = ANY($1::uuid[]) AND state = 'reserved' RETURNING id::text`,
      [...new Set(ids)].sort(),
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Removes reserved bookings whose hold was refused (their seats are given back by the caller); returns those removed. */
  async deleteReserved(tx: Tx, ids: string[]): Promise<BookingRecord[]> {
    if (ids.length === 0) return [];
    const rows = await tx.$queryRawUnsafe<BookingSqlRow[]>(
      `DELETE FROM rides.booking WHERE id = ANY($1::uuid[]) AND state = 'reserved' RETURNING ${COLUMNS}`,
      ids,
    );
    return rows.map(toRecord);
  }

  /** Moves one booking to a new state with the policy's split (hold `releasing` when money must move back). */
  async transition(
    tx: Tx,
    id: string,
    change: { state: BookingStateName; holdState?: HoldStateName; split?: SplitRecord | null; cancelledBy?: 'rider' | 'driver' | null },
  ): Promise<BookingRecord> {
    const s = change.split ?? null;
    const rows = await tx.$queryRawUnsafe<BookingSqlRow[]>(
      `UPDATE rides.booking SET state = $2, hold_state = COALESCE($3, hold_state), rule = COALESCE($4, rule),
         rider_refund_micro = COALESCE($5::bigint, rider_refund_micro), driver_payout_micro = COALESCE($6::bigint, driver_payout_micro),
         platform_fee_micro = COALESCE($7::bigint, platform_fee_micro), cancelled_by = COALESCE($8, cancelled_by), updated_at = CURRENT_TIMESTAMP
       WHERE id = $1::uuid RETURNING ${COLUMNS}`,
      id, change.state, change.holdState ?? null, s?.rule ?? null, s?.riderRefundMicro.toString() ?? null, s?.driverPayoutMicro.toString() ?? null,
      s?.platformFeeMicro.toString() ?? null, change.cancelledBy ?? null,
    );
    return toRecord(rows[0]!);
  }

  /** Settlement confirmed the release: the money is where the policy put it. */
  async markReleased(ids: string[], db: Db = this.prisma): Promise<void> {
    if (ids.length === 0) return;
    await db.$executeRawUnsafe(
      `UPDATE rides.booking SET hold_state = 'released', updated_at = CURRENT_TIMESTAMP WHERE id = ANY($1::uuid[]) AND hold_state = 'releasing' AND state <> 'reserved'`,
      ids,
    );
  }

  async addDriverMark(tx: Tx, bookingId: string, driver: string): Promise<void> {
    await tx.$executeRawUnsafe(`INSERT INTO rides.driver_mark (booking_id, driver) VALUES ($1::uuid, $2) ON CONFLICT DO NOTHING`, bookingId, driver);
  }

  /** Live bookings of a trip (to cancel them with it), locked. */
  async liveOnTrip(tx: Tx, tripId: string): Promise<BookingRecord[]> {
    const rows = await tx.$queryRawUnsafe<BookingSqlRow[]>(
      `SELECT ${COLUMNS} FROM rides.booking WHERE trip_id = $1::uuid AND state IN ('requested', 'confirmed') ORDER BY id FOR UPDATE`,
      tripId,
    );
    return rows.map(toRecord);
  }

  async list(participant: string, as: 'rider' | 'driver', after: string | undefined, limit: number): Promise<BookingRecord[]> {
    const rows = await this.prisma.$queryRawUnsafe<BookingSqlRow[]>(
      `SELECT ${COLUMNS} FROM rides.booking WHERE ${as === 'rider' ? 'rider' : 'driver'} = $1 AND ($2::uuid IS NULL OR id < $2::uuid)
       ORDER BY id DESC LIMIT $3`,
      participant, after ?? null, limit,
    );
    return rows.map(toRecord);
  }

  /**
   * Takes bookings stuck between saga steps for longer than `olderThan` — reserved (hold not
   * confirmed, or claimed for compensation) or releasing — for one sweep: their `updated_at`
   * moves to now, so another instance's sweep leaves them alone until they are stuck again
   * (the sweeper that took them died or failed). Rows locked by a transaction in flight are skipped.
   */
  async claimStuck(olderThan: Date, limit: number): Promise<BookingRecord[]> {
    const rows = await this.prisma.$queryRawUnsafe<BookingSqlRow[]>(
      `UPDATE rides.booking AS b SET updated_at = CURRENT_TIMESTAMP
       FROM (SELECT id FROM rides.booking WHERE hold_state IN ('placing', 'releasing') AND updated_at < $1
             ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED) AS s
       WHERE b.id = s.id RETURNING ${B_COLUMNS}`,
      olderThan, limit,
    );
    return rows.map(toRecord);
  }

  /** Requests nobody answered before their deadline. */
  async expiredRequests(now: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text FROM rides.booking WHERE state = 'requested' AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
      now, limit,
    );
    return rows.map((r) => r.id);
  }
}

/** The API's view of a booking. */
export function bookingView(b: BookingRecord, driverMark = false): BookingView {
  return {
    id: b.id, tripId: b.tripId, rider: b.rider, driver: b.driver, bookingMode: b.bookingMode, state: b.state, holdState: b.holdState, seats: b.seats,
    pickup: b.pickup, dropoff: b.dropoff, pickupAt: b.pickupAt, dropoffAt: b.dropoffAt, farePerSeatMicro: b.farePerSeatMicro, fareMicro: b.fareMicro,
    serviceFeeMicro: b.feeMicro, expiresAt: b.expiresAt,
    outcome:
      b.rule === null
        ? null
        : {
            rule: b.rule as NonNullable<BookingView['outcome']>['rule'],
            riderRefundMicro: b.riderRefundMicro ?? 0n,
            driverPayoutMicro: b.driverPayoutMicro ?? 0n,
            platformFeeMicro: b.platformFeeMicro ?? 0n,
            driverReliabilityMark: driverMark || b.rule === 'driver-cancel',
          },
    cancelledBy: b.cancelledBy,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}
