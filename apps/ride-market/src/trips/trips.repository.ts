import { Injectable } from '@nestjs/common';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';
import type { Leg } from '@ampool/matching';
import type { StoredSpec, TripHead, TripRecord } from './trip-spec';

interface TripSqlRow {
  id: string;
  driver: string;
  status: 'published' | 'cancelled';
  version: number;
  spec: string;
  route_length_m: number;
  request_hash: string;
  changed_seq: bigint;
  created_at: Date;
  updated_at: Date;
}

const TRIP_COLUMNS = `id::text, driver, status, version, spec, route_length_m, request_hash, changed_seq, created_at, updated_at`;
const HEAD_COLUMNS = `id::text, driver, status, version, (extract(epoch from arrival_at) * 1000)::float8 AS arrival_ms`;

interface HeadSqlRow {
  id: string;
  driver: string;
  status: 'published' | 'cancelled';
  version: number;
  arrival_ms: number;
}

const toHead = (r: HeadSqlRow): TripHead => ({ id: r.id, driver: r.driver, status: r.status, version: r.version, arrivalMs: r.arrival_ms });

function toRecord(r: TripSqlRow, legs: Leg[]): TripRecord {
  return {
    id: r.id, driver: r.driver, status: r.status, version: r.version, spec: JSON.parse(r.spec) as StoredSpec, routeLengthM: r.route_length_m,
    requestHash: r.request_hash, changedSeq: r.changed_seq, createdAt: r.created_at, updatedAt: r.updated_at, legs,
  };
}

/** `rides.trip` and `rides.trip_leg`. Every writer of a trip's legs holds the trip's row lock. */
@Injectable()
export class TripsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async find(id: string, db: Db = this.prisma): Promise<TripRecord | null> {
    const rows = await db.$queryRawUnsafe<TripSqlRow[]>(`SELECT ${TRIP_COLUMNS} FROM rides.trip WHERE id = $1::uuid`, id);
    if (rows.length === 0) return null;
    return toRecord(rows[0]!, (await this.legs(db, [id])).get(id) ?? []);
  }

  /** Locks trips (in id order, so concurrent bookings never deadlock) and reads them, without legs. */
  async lock(tx: Tx, ids: string[]): Promise<Map<string, TripRecord>> {
    const rows = await tx.$queryRawUnsafe<TripSqlRow[]>(
      `SELECT ${TRIP_COLUMNS} FROM rides.trip WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [...new Set(ids)],
    );
    return new Map(rows.map((r) => [r.id, toRecord(r, [])]));
  }

  /**
   * Locks trips like `lock`, reading only their heads: the booking path takes the engine trip
   * from the cache (`TripCache.ensure`) and reads a spec only when its version is not cached.
   */
  async lockHeads(tx: Tx, ids: string[]): Promise<Map<string, TripHead>> {
    const rows = await tx.$queryRawUnsafe<HeadSqlRow[]>(
      `SELECT ${HEAD_COLUMNS} FROM rides.trip WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [...new Set(ids)],
    );
    return new Map(rows.map((r) => [r.id, toHead(r)]));
  }

  /** Stored specs of these trips. */
  async specs(ids: string[], db: Db = this.prisma): Promise<Map<string, StoredSpec>> {
    const rows = await db.$queryRawUnsafe<{ id: string; spec: string }[]>(`SELECT id::text, spec FROM rides.trip WHERE id = ANY($1::uuid[])`, ids);
    return new Map(rows.map((r) => [r.id, JSON.parse(r.spec) as StoredSpec]));
  }

  /** Legs of these trips, in route order. */
  async legs(db: Db, tripIds: string[]): Promise<Map<string, Leg[]>> {
    const rows = await db.$queryRawUnsafe<{ trip_id: string; from_m: number; to_m: number; seats: number; seats_taken: number }[]>(
      `SELECT trip_id::text, from_m, to_m, seats, seats_taken FROM rides.trip_leg WHERE trip_id = ANY($1::uuid[]) ORDER BY trip_id, from_m`,
      tripIds,
    );
    const out = new Map<string, Leg[]>();
    for (const r of rows) {
      const list = out.get(r.trip_id) ?? [];
      list.push({ fromM: r.from_m, toM: r.to_m, seats: r.seats, seatsTaken: r.seats_taken });
      out.set(r.trip_id, list);
    }
    return out;
  }

  /** Inserts a trip and its single leg; false when the id exists (a concurrent or earlier publish). */
  async insert(tx: Tx, t: { id: string; driver: string; spec: StoredSpec; routeLengthM: number; requestHash: string }): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `INSERT INTO rides.trip (id, driver, status, spec, route_length_m, seats_offered, departure_at, arrival_at, booking_mode, request_hash)
       VALUES ($1::uuid, $2, 'published', $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      t.id, t.driver, JSON.stringify(t.spec), t.routeLengthM, t.spec.seatsOffered, new Date(t.spec.departureMs), new Date(t.spec.arrivalMs), t.spec.bookingMode, t.requestHash,
    );
    if (n === 0) return false;
    await tx.$executeRawUnsafe(
      `INSERT INTO rides.trip_leg (trip_id, from_m, to_m, seats) VALUES ($1::uuid, 0, $2, $3)`,
      t.id, t.routeLengthM, t.spec.seatsOffered,
    );
    return true;
  }

  /** Replaces a trip's details (new version); its legs get the new seat count, or a fresh single leg when the route changed. */
  async update(tx: Tx, t: { id: string; spec: StoredSpec; routeLengthM: number; routeChanged: boolean }): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE rides.trip SET spec = $2, route_length_m = $3, seats_offered = $4, departure_at = $5, arrival_at = $6, booking_mode = $7,
         version = version + 1, updated_at = CURRENT_TIMESTAMP, changed_seq = nextval('rides.trip_change_seq')
       WHERE id = $1::uuid`,
      t.id, JSON.stringify(t.spec), t.routeLengthM, t.spec.seatsOffered, new Date(t.spec.departureMs), new Date(t.spec.arrivalMs), t.spec.bookingMode,
    );
    if (t.routeChanged) {
      await tx.$executeRawUnsafe(`DELETE FROM rides.trip_leg WHERE trip_id = $1::uuid`, t.id);
      await tx.$executeRawUnsafe(`INSERT INTO rides.trip_leg (trip_id, from_m, to_m, seats) VALUES ($1::uuid, 0, $2, $3)`, t.id, t.routeLengthM, t.spec.seatsOffered);
    } else {
      await tx.$executeRawUnsafe(`UPDATE rides.trip_leg SET seats = $2 WHERE trip_id = $1::uuid`, t.id, t.spec.seatsOffered);
    }
  }

  async cancel(tx: Tx, id: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE rides.trip SET status = 'cancelled', cancelled_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP,
         changed_seq = nextval('rides.trip_change_seq') WHERE id = $1::uuid`,
      id,
    );
  }

  /** Marks trips changed for the search index (their seats moved). */
  async touch(tx: Tx, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.$executeRawUnsafe(
      `UPDATE rides.trip SET changed_seq = nextval('rides.trip_change_seq') WHERE id = ANY($1::uuid[])`,
      [...new Set(ids)].sort(),
    );
  }

  /** Writes legs computed by the leg table (split or with seats taken); one statement for the batch. */
  async upsertLegs(tx: Tx, legs: { tripId: string; leg: Leg }[]): Promise<void> {
    if (legs.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO rides.trip_leg AS l (trip_id, from_m, to_m, seats, seats_taken)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[])
       ON CONFLICT (trip_id, from_m) DO UPDATE SET to_m = EXCLUDED.to_m, seats_taken = EXCLUDED.seats_taken`,
      legs.map((l) => l.tripId),
      legs.map((l) => l.leg.fromM),
      legs.map((l) => l.leg.toM),
      legs.map((l) => l.leg.seats),
      legs.map((l) => l.leg.seatsTaken),
    );
  }

  /** Gives seats back on [from, to) of each trip (the legs were split there when the seats were taken). */
  async releaseSeats(tx: Tx, releases: { tripId: string; fromM: number; toM: number; seats: number }[]): Promise<void> {
    if (releases.length === 0) return;
    await tx.$executeRawUnsafe(
      `UPDATE rides.trip_leg AS l SET seats_taken = l.seats_taken - r.total
       FROM (SELECT l2.trip_id, l2.from_m, sum(x.seats) AS total
             FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[]) AS x(trip_id, from_m, to_m, seats)
             JOIN rides.trip_leg l2 ON l2.trip_id = x.trip_id AND l2.from_m >= x.from_m AND l2.to_m <= x.to_m
             GROUP BY l2.trip_id, l2.from_m) AS r
       WHERE l.trip_id = r.trip_id AND l.from_m = r.from_m`,
      releases.map((r) => r.tripId),
      releases.map((r) => r.fromM),
      releases.map((r) => r.toM),
      releases.map((r) => r.seats),
    );
  }

  async listByDriver(driver: string, after: string | undefined, limit: number): Promise<TripRecord[]> {
    const rows = await this.prisma.$queryRawUnsafe<TripSqlRow[]>(
      `SELECT ${TRIP_COLUMNS} FROM rides.trip WHERE driver = $1 AND ($2::uuid IS NULL OR id < $2::uuid) ORDER BY id DESC LIMIT $3`,
      driver, after ?? null, limit,
    );
    const legs = await this.legs(this.prisma, rows.map((r) => r.id));
    return rows.map((r) => toRecord(r, legs.get(r.id) ?? []));
  }

  /** (id, changed_seq) of trips changed after `afterSeq`, oldest change first. */
  async changedSince(afterSeq: bigint, limit: number): Promise<{ id: string; changedSeq: bigint }[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string; changed_seq: bigint }[]>(
      `SELECT id::text, changed_seq FROM rides.trip WHERE changed_seq > $1 ORDER BY changed_seq LIMIT $2`,
      afterSeq.toString(), limit,
    );
    return rows.map((r) => ({ id: r.id, changedSeq: r.changed_seq }));
  }

  /**
   * What the search index needs of these trips: their heads and their legs (the seats taken
   * per stretch of route, which is what bookings are decided against). Specs come separately,
   * and only for versions the index has not seen (`TripCache.ensure`).
   */
  async forIndex(ids: string[]): Promise<{ heads: TripHead[]; legs: Map<string, Leg[]> }> {
    const rows = await this.prisma.$queryRawUnsafe<HeadSqlRow[]>(`SELECT ${HEAD_COLUMNS} FROM rides.trip WHERE id = ANY($1::uuid[])`, ids);
    const published = rows.filter((r) => r.status === 'published').map((r) => r.id);
    return { heads: rows.map(toHead), legs: published.length > 0 ? await this.legs(this.prisma, published) : new Map() };
  }
}
