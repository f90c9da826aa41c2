import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { OrderHoldPlace, OrderHoldRelease, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { canonicalJson, sha256Hex } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import type { Tx } from '@ampool/persistence';
import { addPending, ENERGY_ORDER_ESCROW_OWNER, OrderHoldsRepository, type PendingDelta } from './order-holds.repository';

type PlaceInput = RpcRequest<typeof OrderHoldPlace>;
type PlaceResult = RpcResponse<typeof OrderHoldPlace>['results'][number];
type ReleaseInput = RpcRequest<typeof OrderHoldRelease>;
type ReleaseResult = RpcResponse<typeof OrderHoldRelease>['results'][number];

/** What a trade took from its buy order's hold. */
export interface OrderHoldTake {
  /** Taken from the order hold (≤ the trade's cost); the rest must come from the free balance. */
  takenMicro: bigint;
  /** Applies the take: call it in the same transaction, after deciding to place the trade hold. */
  apply: () => Promise<void>;
}

/**
 * Energy order holds ("never buy what you cannot pay"). A buy order is accepted only once its
 * most possible cost is held: a pending transfer buyer → energy order escrow. A trade of the
 * order moves its cost out of that hold into the trade's own pending hold (buyer → seller,
 * placed by `HoldsService` as before); the order's end (fill, cancel, expiry) releases what
 * is left, keeping what its trades have yet to take over, whatever order the events arrive in.
 */
@Injectable()
export class OrderHoldsService implements OnApplicationBootstrap {
  constructor(
    private readonly repo: OrderHoldsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** The escrow account exists from the start, so a refused hold never leaves a row behind. */
  async onApplicationBootstrap(): Promise<void> {
    await this.uow.run((tx) => this.repo.ensureEscrow(tx, uuidv7()));
  }

  async place(input: PlaceInput): Promise<PlaceResult[]> {
    const holds = input.holds;
    const hashes = holds.map((h) => sha256Hex(canonicalJson({ orderId: h.orderId, payer: h.payer, amountMicro: h.amountMicro.toString() })));
    return this.uow.run(async (tx) => {
      await this.repo.lockOrders(tx, holds.map((h) => h.orderId));
      const existing = await this.repo.find(tx, holds.map((h) => h.orderId));
      const results: PlaceResult[] = new Array(holds.length);
      const fresh: number[] = [];
      const seen = new Set<string>();
      holds.forEach((h, i) => {
        const row = existing.get(h.orderId);
        if (seen.has(h.orderId)) results[i] = { orderId: h.orderId, status: 'refused', code: 'ID_CONFLICT' };
        else if (!row) fresh.push(i);
        else if (row.requestHash !== hashes[i]) results[i] = { orderId: h.orderId, status: 'refused', code: row.state === 'released' ? 'HOLD_RELEASED' : 'ID_CONFLICT' };
        else if (row.state === 'released') results[i] = { orderId: h.orderId, status: 'refused', code: 'HOLD_RELEASED' };
        else results[i] = { orderId: h.orderId, status: 'held', transferId: row.transferId! };
        seen.add(h.orderId);
      });
      if (fresh.length === 0) return results;

      await this.repo.ensureEscrow(tx, uuidv7());
      const accounts = await this.repo.lockAccounts(tx, [ENERGY_ORDER_ESCROW_OWNER, ...fresh.map((i) => holds[i]!.payer)]);
      const escrow = accounts.get(ENERGY_ORDER_ESCROW_OWNER)!;
      const available = new Map([...accounts.values()].map((a) => [a.owner, a.availableMicro]));
      const rows: Parameters<OrderHoldsRepository['insertHolds']>[2] = [];
      const deltas = new Map<string, PendingDelta>();
      for (const i of fresh) {
        const h = holds[i]!;
        const payer = accounts.get(h.payer);
        if (!payer) {
          results[i] = { orderId: h.orderId, status: 'refused', code: 'ACCOUNT_UNKNOWN' };
          continue;
        }
        const left = available.get(h.payer)!;
        if (left < h.amountMicro) {
          results[i] = { orderId: h.orderId, status: 'refused', code: 'INSUFFICIENT_FUNDS', availableMicro: left < 0n ? 0n : left };
          continue;
        }
        available.set(h.payer, left - h.amountMicro);
        const transferId = uuidv7();
        rows.push({ orderId: h.orderId, transferId, payer: h.payer, payerAccountId: payer.id, amountMicro: h.amountMicro, requestHash: hashes[i]! });
        addPending(deltas, payer.id, { debitsPendingMicro: h.amountMicro });
        addPending(deltas, escrow.id, { creditsPendingMicro: h.amountMicro });
        results[i] = { orderId: h.orderId, status: 'held', transferId };
      }
      await this.repo.insertHolds(tx, escrow.id, rows);
      await this.repo.applyPendingDeltas(tx, deltas);
      return results;
    });
  }

  async release(input: ReleaseInput): Promise<ReleaseResult[]> {
    return this.uow.run((tx) => this.releaseIn(tx, input.releases));
  }

  /** Releases order holds inside a caller's transaction (the order-closed consumer). */
  async releaseIn(tx: Tx, releases: ReleaseInput['releases']): Promise<ReleaseResult[]> {
    await this.repo.lockOrders(tx, releases.map((r) => r.orderId));
    const existing = await this.repo.find(tx, releases.map((r) => r.orderId));
    const held = releases.filter((r) => existing.get(r.orderId)?.state === 'held');
    const results = new Map<string, bigint>(releases.map((r) => [r.orderId, 0n]));
    await this.repo.insertReleasedWithoutHold(tx, releases.filter((r) => !existing.has(r.orderId)));
    if (held.length > 0) {
      const accounts = await this.repo.lockAccounts(tx, [ENERGY_ORDER_ESCROW_OWNER, ...held.map((r) => existing.get(r.orderId)!.payer)]);
      const escrow = accounts.get(ENERGY_ORDER_ESCROW_OWNER)!;
      const deltas = new Map<string, PendingDelta>();
      const updates: Parameters<OrderHoldsRepository['setReserved']>[1] = [];
      for (const r of held) {
        const row = existing.get(r.orderId)!;
        const stillToConvert = r.keepMicro > row.convertedMicro ? r.keepMicro - row.convertedMicro : 0n;
        const reserved = stillToConvert < row.reservedMicro ? stillToConvert : row.reservedMicro;
        const freed = row.reservedMicro - reserved;
        const payer = accounts.get(row.payer)!;
        addPending(deltas, payer.id, { debitsPendingMicro: -freed });
        addPending(deltas, escrow.id, { creditsPendingMicro: -freed });
        updates.push({ orderId: r.orderId, transferId: row.transferId, reservedMicro: reserved, convertedMicro: row.convertedMicro, release: { keepMicro: r.keepMicro } });
        results.set(r.orderId, freed);
      }
      await this.repo.setReserved(tx, updates);
      await this.repo.applyPendingDeltas(tx, deltas);
    }
    return releases.map((r) => ({ orderId: r.orderId, status: 'released' as const, releasedMicro: results.get(r.orderId) ?? 0n }));
  }

  /**
   * Inside the trade-hold transaction: how much of a trade's cost its buy order's hold still
   * covers. Must be called before any account lock of the transaction (order locks first).
   * The payer's free balance rises by what is taken, which then becomes the trade's hold.
   */
  async lockForTrade(tx: Tx, buyOrderId: string): Promise<{ reservedMicro: bigint; take: (costMicro: bigint, payerAccountId: string, escrowAccountId: string) => Promise<bigint> }> {
    await this.repo.lockOrders(tx, [buyOrderId]);
    await this.repo.ensureEscrow(tx, uuidv7());
    const row = (await this.repo.find(tx, [buyOrderId])).get(buyOrderId);
    const reservedMicro = row?.reservedMicro ?? 0n;
    return {
      reservedMicro,
      take: async (costMicro, payerAccountId, escrowAccountId) => {
        if (!row || reservedMicro === 0n) return 0n;
        const taken = costMicro < reservedMicro ? costMicro : reservedMicro;
        await this.repo.setReserved(tx, [{ orderId: row.orderId, transferId: row.transferId, reservedMicro: reservedMicro - taken, convertedMicro: row.convertedMicro + taken }]);
        const deltas = new Map<string, PendingDelta>();
        addPending(deltas, payerAccountId, { debitsPendingMicro: -taken });
        addPending(deltas, escrowAccountId, { creditsPendingMicro: -taken });
        await this.repo.applyPendingDeltas(tx, deltas);
        return taken;
      },
    };
  }

  /**
   * `lockForTrade` for the trades of a batch: every buy order's hold is locked at once (in id
   * order, before any account, as everywhere), `take` reduces a hold in memory — so several
   * trades of one order each see what the previous left — and `store` writes the changed holds.
   */
  async lockForTrades(tx: Tx, buyOrderIds: string[]): Promise<{ reservedOf: (orderId: string) => bigint; take: (orderId: string, costMicro: bigint) => bigint; store: () => Promise<void> }> {
    const ids = [...new Set(buyOrderIds)];
    await this.repo.lockOrders(tx, ids);
    await this.repo.ensureEscrow(tx, uuidv7());
    const rows = await this.repo.find(tx, ids);
    const changed = new Set<string>();
    return {
      reservedOf: (orderId) => rows.get(orderId)?.reservedMicro ?? 0n,
      take: (orderId, costMicro) => {
        const row = rows.get(orderId);
        if (!row || row.reservedMicro === 0n) return 0n;
        const taken = costMicro < row.reservedMicro ? costMicro : row.reservedMicro;
        row.reservedMicro -= taken;
        row.convertedMicro += taken;
        changed.add(orderId);
        return taken;
      },
      store: () =>
        this.repo.setReserved(tx, [...changed].map((id) => {
          const r = rows.get(id)!;
          return { orderId: r.orderId, transferId: r.transferId, reservedMicro: r.reservedMicro, convertedMicro: r.convertedMicro };
        })),
    };
  }
}
