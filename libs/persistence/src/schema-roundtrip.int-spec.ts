import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, repoRoot, type TestDatabase } from '@ampool/testing';
import { applyMigrations, createPrismaClient, Prisma, type PrismaClient } from './index';

const MIGRATIONS = join(repoRoot(), 'prisma', 'migrations');
const did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const at = new Date('2026-11-21T10:15:00.123Z');

/** One complete row per model, every field set to a non-default value. */
function fixtures(): Record<Prisma.ModelName, { delegate: string; where: (row: Record<string, unknown>) => object; row: Record<string, unknown> }> {
  const outbox = () => ({ id: randomUUID(), seq: 42n, subject: 'evt.energy.trade.executed.v1', payload: '{"a":1}', createdAt: at });
  const processed = () => ({ consumer: 'c', eventId: randomUUID(), processedAt: at });
  const byId = (r: Record<string, unknown>) => ({ id: r.id });
  const byPair = (r: Record<string, unknown>) => ({ consumer_eventId: { consumer: r.consumer, eventId: r.eventId } });
  const operatorId = randomUUID();
  const tripId = randomUUID();
  const legId = randomUUID();
  return {
    Participant: {
      delegate: 'participant',
      where: (r) => ({ did: r.did }),
      row: { did, publicKey: new Uint8Array(32).fill(7), role: 'household', status: 'active', displayName: 'Roof 12', currentKey: did, statusChangedAt: at, createdAt: at },
    },
    Key: {
      delegate: 'key',
      where: (r) => ({ did: r.did }),
      row: { did: `${did}x`, publicKey: new Uint8Array(32).fill(9), subject: did, subjectKind: 'participant', status: 'rotated', createdAt: at, retiredAt: at },
    },
    Device: {
      delegate: 'device',
      where: (r) => ({ did: r.did }),
      row: {
        did: `${did}d`, owner: did, type: 'battery', powerW: 5000n, capacityWh: 13_500n, reserveWh: 1_350n, status: 'active',
        currentKey: `${did}d`, ownerSignature: new Uint8Array(64).fill(1), deviceSignature: new Uint8Array(64).fill(2), createdAt: at,
      },
    },
    Challenge: {
      delegate: 'challenge',
      where: byId,
      row: { id: randomUUID(), publicKey: new Uint8Array(32).fill(3), challenge: 'c', expiresAt: at, usedAt: at },
    },
    Operator: {
      delegate: 'operator',
      where: byId,
      row: { id: operatorId, email: 'ops@example.org', passwordHash: 'scrypt$15$8$1$a$b', createdAt: at, disabledAt: at },
    },
    Session: {
      delegate: 'session',
      where: (r) => ({ tokenHash: r.tokenHash }),
      row: { tokenHash: 'f'.repeat(64), operatorId, createdAt: at, expiresAt: at, endedAt: at },
    },
    Audit: {
      delegate: 'audit',
      where: byId,
      row: { id: randomUUID(), seq: 9n, actor: `operator:${operatorId}`, action: 'participant.approve', target: did, details: '{"reason":""}', at },
    },
    IdentityOutbox: { delegate: 'identityOutbox', where: byId, row: outbox() },
    EnergyOrder: {
      delegate: 'energyOrder',
      where: byId,
      row: {
        id: randomUUID(), seq: 7n, participant: did, side: 'sell', zone: 'north', intervalStart: at,
        quantityWh: 9_000_000_000_000n, limitPriceMicroPerKwh: 250_000n, remainingWh: 1n, status: 'open', requestHash: 'h', createdAt: at,
        marketId: 'rt|2026', timeInForce: 'IOC', minFillWh: 5n, device: did, filledWh: 3n, filledCostMicro: 4n, holdMicro: 6n,
      },
    },
    EnergyTrade: {
      delegate: 'energyTrade',
      where: byId,
      row: {
        id: randomUUID(), buyOrderId: randomUUID(), sellOrderId: randomUUID(), buyer: did, seller: did, zone: 'north', intervalStart: at,
        energyWh: 2000n, priceMicroPerKwh: 250_000n, valueMicro: 500_000n, executedAt: at, holdTransferId: randomUUID(),
        holdRejectedCode: 'X', ledgerEntryHash: 'a'.repeat(64), heldAt: at, committedAt: at,
        marketId: 'rt|2026', tradeSeq: 9, sellerZone: 'south', buyerZone: 'north', gridFeeMicroPerKwh: 10_000n, buyerCostMicro: 520_000n,
      },
    },
    EnergyArea: {
      delegate: 'energyArea',
      where: byId,
      row: {
        id: 'roundtrip-area', intervalMinutes: 30, openAheadMinutes: 600, gateClosureMinutes: 5, closingCallMinutes: 2, feedInMicroPerKwh: 80_000n,
        retailMicroPerKwh: 300_000n, mode: 'continuous-then-auction', version: 3, updatedAt: at,
      },
    },
    EnergyZone: { delegate: 'energyZone', where: byId, row: { id: 'roundtrip-zone', areaId: 'roundtrip-area', position: 0 } },
    EnergyZonePair: {
      delegate: 'energyZonePair',
      where: (r) => ({ areaId_fromZone_toZone: { areaId: r.areaId, fromZone: r.fromZone, toZone: r.toZone } }),
      row: { areaId: 'roundtrip-area', fromZone: 'roundtrip-zone', toZone: 'roundtrip-zone', gridFeeMicroPerKwh: 2_000n, transferCapacityWh: null },
    },
    EnergyMarket: {
      delegate: 'energyMarket',
      where: byId,
      row: {
        id: 'roundtrip-area|2026', areaId: 'roundtrip-area', intervalStart: at, config: '{}', callAt: at, gateClosureAt: at, status: 'closed',
        appliedSeq: 12n, appliedBatches: 4, clearing: '[]', createdAt: at,
      },
    },
    EnergyAudit: {
      delegate: 'energyAudit',
      where: byId,
      row: { id: randomUUID(), seq: 11n, actor: 'operator:x', action: 'area.configure', target: 'default', details: '{}', at },
    },
    EnergyStandingPolicy: {
      delegate: 'energyStandingPolicy',
      where: byId,
      row: { id: randomUUID(), participant: did, kind: 'buy-below', spec: '{}', requestHash: 'h', active: false, createdAt: at },
    },
    EnergyBookSnapshot: {
      delegate: 'energyBookSnapshot',
      where: (r) => ({ marketId: r.marketId }),
      row: { marketId: 'roundtrip-area|2026', seq: 12n, batches: 4, state: '{}', takenAt: at },
    },
    EnergyOutbox: { delegate: 'energyOutbox', where: byId, row: outbox() },
    EnergyParticipantBlock: { delegate: 'energyParticipantBlock', where: (r) => ({ did: r.did }), row: { did, status: 'suspended', since: at } },
    EnergyProcessedEvent: { delegate: 'energyProcessedEvent', where: byPair, row: processed() },
    MeteringBatch: {
      delegate: 'meteringBatch',
      where: byId,
      row: { id: randomUUID(), device: did, key: did, kind: 'readings', signature: new Uint8Array(64).fill(5), payloadSha256: 'd'.repeat(64), readingCount: 3, receivedAt: at },
    },
    MeteringReading: {
      delegate: 'meteringReading',
      where: (r) => ({ device_at: { device: r.device, at: r.at } }),
      row: { device: did, at, importWh: 9_000_000_000_000n, exportWh: 12n, socWh: 4_200n, batchId: randomUUID() },
    },
    MeteringInterval: {
      delegate: 'meteringInterval',
      where: (r) => ({ device_intervalMinutes_intervalStart_revision: { device: r.device, intervalMinutes: r.intervalMinutes, intervalStart: r.intervalStart, revision: r.revision } }),
      row: { device: did, intervalMinutes: 15, intervalStart: at, revision: 2, importWh: -3n, exportWh: 250n, quality: 'anomalous', estimated: true, anomalies: ['GAP', 'REGISTER_BACKWARDS'], socEndWh: 100n, finalizedAt: at },
    },
    MeteringDeviceCursor: {
      delegate: 'meteringDeviceCursor',
      where: (r) => ({ device: r.device }),
      row: { device: did, owner: did, pendingFrom: at, lastReadingAt: at, updatedAt: at },
    },
    MeteringAnomaly: {
      delegate: 'meteringAnomaly',
      where: byId,
      row: { id: randomUUID(), device: did, code: 'GAP', fromAt: at, toAt: at, details: 'gap of 3 intervals', raisedAt: at },
    },
    MeteringOutbox: { delegate: 'meteringOutbox', where: byId, row: outbox() },
    // trip proofs
    MeteringTripLeg: {
      delegate: 'meteringTripLeg',
      where: (r) => ({ bookingId: r.bookingId }),
      row: {
        bookingId: legId, tripId, driver: did, rider: `${did}r`, pickupLatE6: 48_850_200, pickupLonE6: 2_310_000, pickupAt: at, dropoffLatE6: -33_000_000,
        dropoffLonE6: -179_999_999, dropoffAt: at, status: 'resolved', codes: ['DROPOFF_TOO_FAR'], proofClass: 'B', deadlineAt: at, decidedAt: at,
        disputeDeadlineAt: at, resolution: 'refund', resolvedBy: 'operator', resolvedOperator: 'operator:1', resolutionNote: 'no ride', resolvedAt: at, createdAt: at, updatedAt: at,
      },
    },
    MeteringTripProof: {
      delegate: 'meteringTripProof',
      where: (r) => ({ bookingId_role_event: { bookingId: r.bookingId, role: r.role, event: r.event } }),
      row: { bookingId: legId, role: 'rider', event: 'dropoff', signer: did, at, latE6: -33_000_000, lonE6: -179_999_999, signature: new Uint8Array(64).fill(7), receivedAt: at },
    },
    MeteringProcessedEvent: { delegate: 'meteringProcessedEvent', where: byPair, row: processed() },
    RidesTrip: {
      delegate: 'ridesTrip',
      where: byId,
      row: {
        id: tripId, driver: did, status: 'cancelled', version: 3, spec: '{"route":[[48.85,2.35],[48.86,2.36]]}', routeLengthM: 1_331,
        seatsOffered: 3, departureAt: at, arrivalAt: at, bookingMode: 'approval', requestHash: 'h', changedSeq: 42n, createdAt: at, updatedAt: at, cancelledAt: at,
      },
    },
    RidesTripLeg: {
      delegate: 'ridesTripLeg',
      where: (r) => ({ tripId_fromM: { tripId: r.tripId, fromM: r.fromM } }),
      row: { tripId, fromM: 100, toM: 900, seats: 3, seatsTaken: 2 },
    },
    RidesBooking: {
      delegate: 'ridesBooking',
      where: byId,
      row: {
        id: randomUUID(), tripId, rider: `${did}r`, driver: did, bookingMode: 'approval', state: 'cancelled', holdState: 'released', seats: 2,
        fromM: 100, toM: 900, pickup: '[48.85,2.35]', dropoff: '[48.86,2.36]', pickupAt: at, dropoffAt: at, farePerSeatMicro: 1_500_000n,
        fareMicro: 3_000_000n, feeMicro: 300_000n, requestHash: 'h', expiresAt: at, rule: 'rider-late-cancel', riderRefundMicro: 1_500_000n,
        driverPayoutMicro: 1_500_000n, platformFeeMicro: 300_000n, cancelledBy: 'rider', createdAt: at, updatedAt: at,
      },
    },
    RidesDriverMark: { delegate: 'ridesDriverMark', where: (r) => ({ bookingId: r.bookingId }), row: { bookingId: randomUUID(), driver: did, at } },
    RidesOutbox: { delegate: 'ridesOutbox', where: byId, row: outbox() },
    RidesProcessedEvent: { delegate: 'ridesProcessedEvent', where: byPair, row: processed() },
    SettlementAccount: {
      delegate: 'settlementAccount',
      where: byId,
      row: {
        id: randomUUID(), owner: did, kind: 'participant', creditsPostedMicro: 10n, debitsPostedMicro: 3n,
        creditsPendingMicro: 1n, debitsPendingMicro: 2n, mayOverdraw: false, createdAt: at,
      },
    },
    SettlementTransfer: {
      delegate: 'settlementTransfer',
      where: byId,
      row: {
        id: randomUUID(), debitAccountId: '', creditAccountId: '', amountMicro: 5n, code: 'deposit', state: 'posted',
        referenceKind: 'energy.trade', referenceId: randomUUID(), requestHash: 'h', createdAt: at,
        kind: 'pending', pendingId: null, expiresAt: at, postedAmountMicro: 2n, resolvedAt: at,
      },
    },
    SettlementEnergyTrade: {
      delegate: 'settlementEnergyTrade',
      where: (r) => ({ tradeId: r.tradeId }),
      row: {
        tradeId: randomUUID(), eventId: randomUUID(), buyer: did, seller: `${did}s`, zone: 'north', intervalStart: at, energyWh: 2_000n,
        priceMicroPerKwh: 200_000n, valueMicro: 400_000n, executedAt: at, state: 'settled', rule: 'measured', deliveredWh: 1_500n, shortfallWh: 500n,
        sellerReceivesMicro: 290_000n, platformFeeMicro: 3_000n, gridFeeMicro: 7_000n, utilityFromBuyerMicro: 100_000n, sellerPenaltyMicro: 50_000n,
        penaltyUnpaidMicro: 1n, settledAt: at, gridFeeMicroPerKwh: 3_500n, buyerCostMicro: 407_000n,
      },
    },
    SettlementEnergyInterval: {
      delegate: 'settlementEnergyInterval',
      where: (r) => ({ seller_intervalStart: { seller: r.seller, intervalStart: r.intervalStart } }),
      row: {
        seller: did, intervalStart: at, intervalEnd: at, device: `${did}d`, revision: 2, quality: 'estimated', exportWh: 1_500n, state: 'settled',
        decision: 'settle-as-undelivered', settledExportWh: 0n, receivedAt: at, settledAt: at,
      },
    },
    SettlementBookingHold: {
      delegate: 'settlementBookingHold',
      where: (r) => ({ bookingId: r.bookingId }),
      row: {
        bookingId: randomUUID(), state: 'released', transferId: '', payer: did, payee: `${did}d`, amountMicro: 3_300_000n, requestHash: 'h',
        releaseHash: 'r', rule: 'rider-late-cancel', payerRefundMicro: 1_500_000n, payeePayoutMicro: 1_500_000n, platformFeeMicro: 300_000n,
        createdAt: at, releasedAt: at,
      },
    },
    SettlementOrderHold: {
      delegate: 'settlementOrderHold',
      where: (r) => ({ orderId: r.orderId }),
      row: {
        orderId: randomUUID(), state: 'held', transferId: '', payer: did, amountMicro: 500_000n, reservedMicro: 100_000n, convertedMicro: 400_000n,
        keepMicro: null, requestHash: 'h', createdAt: at, releasedAt: null,
      },
    },
    SettlementOutbox: { delegate: 'settlementOutbox', where: byId, row: outbox() },
    SettlementAudit: {
      delegate: 'settlementAudit',
      where: byId,
      row: { id: randomUUID(), seq: 4n, actor: `operator:${operatorId}`, action: 'deposit', target: did, details: '{"amountMicro":"1"}', at },
    },
    SettlementProcessedEvent: { delegate: 'settlementProcessedEvent', where: byPair, row: processed() },
    SettlementLedgerCommit: {
      delegate: 'settlementLedgerCommit',
      where: (r) => ({ entryId: r.entryId }),
      row: { entryId: randomUUID(), entryType: 'settlement.transfer', subjectId: randomUUID(), logIndex: 7n, payloadHash: 'c'.repeat(64), committedAt: at, recordedAt: at },
    },
    LedgerEntry: {
      delegate: 'ledgerEntry',
      where: byId,
      row: {
        id: randomUUID(), sequence: 3n, type: 'energy.trade', subjectId: randomUUID(), canonicalPayload: '{}',
        payloadHash: 'b'.repeat(64), submittedBy: 'energy', recordedAt: at,
      },
    },
    LedgerOutbox: { delegate: 'ledgerOutbox', where: byId, row: outbox() },
    LedgerProcessedEvent: { delegate: 'ledgerProcessedEvent', where: byPair, row: processed() },
  };
}

describe('the migrated database', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url, poolMax: 2 });
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('round-trips every model of schema.prisma through the generated client', async () => {
    const all = fixtures();
    expect(Object.keys(all).sort()).toEqual(Object.values(Prisma.ModelName).sort());
    // Transfers reference real accounts.
    const accounts = [randomUUID(), randomUUID()];
    for (const [i, id] of accounts.entries()) {
      await prisma.settlementAccount.create({ data: { id, owner: `owner-${i}`, kind: 'clearing', mayOverdraw: true } });
    }
    all.SettlementTransfer.row.debitAccountId = accounts[0];
    all.SettlementTransfer.row.creditAccountId = accounts[1];
    all.SettlementBookingHold.row.transferId = all.SettlementTransfer.row.id;
    all.SettlementOrderHold.row.transferId = all.SettlementTransfer.row.id;

    for (const [model, { delegate, where, row }] of Object.entries(all)) {
      const client = (prisma as unknown as Record<string, { create(a: object): Promise<unknown>; findUniqueOrThrow(a: object): Promise<unknown> }>)[delegate]!;
      await client.create({ data: row });
      const back = (await client.findUniqueOrThrow({ where: where(row) })) as Record<string, unknown>;
      expect({ model, back }).toEqual({ model, back: row });
    }
  });

  it('records the migrations in _prisma_migrations with Prisma checksums', async () => {
    const rows = await prisma.$queryRawUnsafe<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const sql = readFileSync(join(MIGRATIONS, r.migration_name, 'migration.sql'));
      expect(r.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(r.finished_at).not.toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
    const again = await applyMigrations(db.url, MIGRATIONS);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(rows.map((r) => r.migration_name));
  });

  it('refuses any UPDATE or DELETE of ledger entries', async () => {
    const id = randomUUID();
    await prisma.ledgerEntry.create({
      data: { id, type: 'energy.trade', subjectId: randomUUID(), canonicalPayload: '{}', payloadHash: 'c'.repeat(64), submittedBy: 'x' },
    });
    await expect(prisma.ledgerEntry.update({ where: { id }, data: { canonicalPayload: '{"x":1}' } })).rejects.toThrow(/append-only/);
    await expect(prisma.ledgerEntry.delete({ where: { id } })).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe('TRUNCATE ledger.entry')).rejects.toThrow(/append-only/);
    expect(await prisma.ledgerEntry.findUnique({ where: { id } })).not.toBeNull();
  });

  it('refuses any UPDATE or DELETE of the operator audit trail', async () => {
    const id = randomUUID();
    await prisma.audit.create({ data: { id, actor: 'system', action: 'test', target: 'x', details: '{}' } });
    await expect(prisma.audit.update({ where: { id }, data: { action: 'edited' } })).rejects.toThrow(/append-only/);
    await expect(prisma.audit.delete({ where: { id } })).rejects.toThrow(/append-only/);
  });

  it('refuses, in the database itself, a participant balance that would go below zero', async () => {
    const id = randomUUID();
    await prisma.settlementAccount.create({ data: { id, owner: `p-${id}`, kind: 'participant', creditsPostedMicro: 100n } });
    await expect(
      prisma.settlementAccount.update({ where: { id }, data: { debitsPendingMicro: { increment: 101n } } }),
    ).rejects.toThrow(/account_no_overdraft/);
    await prisma.settlementAccount.update({ where: { id }, data: { debitsPendingMicro: { increment: 100n } } });
  });
});

describe('the migration runner', () => {
  let db: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'ampool-migrations-'));

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  function migration(name: string, sql: string) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }

  async function q(sql: string): Promise<unknown[]> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  }

  it('applies new migrations in name order, once, even when two runners race', async () => {
    migration('20990101000000_a', 'CREATE SCHEMA scratch; CREATE TABLE scratch.t (n int);');
    migration('20990101000001_b', 'INSERT INTO scratch.t VALUES (1);');
    const results = await Promise.all([applyMigrations(db.url, dir), applyMigrations(db.url, dir)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(['20990101000000_a', '20990101000001_b']);
    expect(await q('SELECT n FROM scratch.t')).toEqual([{ n: 1 }]);
  });

  it('rolls back a failing migration completely and reports which one failed', async () => {
    migration('20990101000002_bad', 'INSERT INTO scratch.t VALUES (2); SELECT no_such_function();');
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(/20990101000002_bad failed/);
    expect(await q('SELECT n FROM scratch.t ORDER BY n')).toEqual([{ n: 1 }]);
    expect(await q(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '20990101000002_bad'`)).toEqual([]);
  });

  it('refuses to continue when an applied migration was edited afterwards', async () => {
    migration('20990101000002_bad', 'SELECT 1;');
    await applyMigrations(db.url, dir);
    migration('20990101000001_b', 'INSERT INTO scratch.t VALUES (99);');
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(/20990101000001_b was changed/);
  });
});
