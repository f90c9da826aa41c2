import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS, HoldPlaced, HoldRejected, type EventEnvelope, type TradeFacts } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { AccountsRepository, availableMicro } from '../accounts/accounts.repository';
import { addPending, ENERGY_ORDER_ESCROW_OWNER, OrderHoldsRepository, type PendingDelta } from '../order-holds/order-holds.repository';
import { OrderHoldsService } from '../order-holds/order-holds.service';

/** The consumer name under which trade holds are recorded as processed. */
export const TRADE_HOLDS_CONSUMER = DURABLE_CONSUMERS.settlementTradeHolds.durable;

/**
 * Holds the buyer's money for a trade: a pending transfer from the buyer's account to the
 * seller's, for what the trade costs the buyer (energy value plus grid fee; without a fee the
 * trade's value). It is applied at most once per trade — by the processed-event mark, and
 * again by the unique (reference, code) index on transfers.
 *
 * The money comes out of the buy order's hold (placed when the order was accepted, see
 * `order-holds`), so a funded order's trades are always funded; only what the order hold
 * does not cover (a trade of an order accepted before order holds) needs free balance, and
 * without it the trade is `unfunded`.
 */
@Injectable()
export class HoldsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly orderHolds: OrderHoldsService,
    private readonly orderHoldsRepo: OrderHoldsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * `holdForTrade` for a batch of events in one transaction, with the same rules trade by
   * trade in stream order: the buy orders' holds are locked first, then every account
   * involved (each in id order); each trade sees the balances and order holds the trades
   * before it left; the transfers are inserted together and the balances moved in one
   * statement. A trade already held under another event id makes the whole batch fail, and
   * its events are then handled one by one.
   */
  async holdForTrades(events: EventEnvelope<TradeFacts>[]): Promise<void> {
    const byEvent = new Map(events.map((e) => [e.id, e]));
    await this.uow.runOnceMany(TRADE_HOLDS_CONSUMER, events.map((e) => e.id), async (tx, emit, fresh) => {
      const todo = fresh.map((id) => byEvent.get(id)!);
      const orders = await this.orderHolds.lockForTrades(tx, todo.map((e) => e.data.buyOrderId));
      await this.accounts.ensureMany(tx, todo.map((e) => e.data.seller), 'participant');
      const locked = await this.accounts.lockByOwners(tx, [...new Set([...todo.flatMap((e) => [e.data.buyer, e.data.seller]), ENERGY_ORDER_ESCROW_OWNER])]);
      const escrow = locked.get(ENERGY_ORDER_ESCROW_OWNER)!;
      const already = new Set(
        (await tx.$queryRawUnsafe<{ id: string }[]>(
          `SELECT reference_id::text AS id FROM settlement.transfer WHERE reference_kind = 'energy.trade' AND code = 'hold' AND reference_id = ANY($1::uuid[])`,
          todo.map((e) => e.data.id),
        )).map((r) => r.id),
      );
      const rows: { id: string; debit: string; credit: string; amount: bigint; reference: string; hash: string }[] = [];
      const deltas = new Map<string, PendingDelta>();
      for (const event of todo) {
        const trade = event.data;
        if (already.has(trade.id)) continue; // held under an earlier event id
        already.add(trade.id);
        const reference = { kind: 'energy.trade' as const, id: trade.id };
        const amountMicro = trade.buyerCostMicro;
        const buyer = locked.get(trade.buyer);
        const seller = locked.get(trade.seller)!;
        const reject = (reason: 'INSUFFICIENT_FUNDS' | 'ACCOUNT_UNKNOWN') =>
          emit(outboxEvent(HoldRejected, { reference, payer: trade.buyer, amountMicro, reason, rejectedAt: new Date() }, 'settlement'));
        if (!buyer) {
          reject('ACCOUNT_UNKNOWN');
          continue;
        }
        const reserved = orders.reservedOf(trade.buyOrderId);
        const fromOrderHold = amountMicro < reserved ? amountMicro : reserved;
        if (availableMicro(buyer) + fromOrderHold < amountMicro) {
          reject('INSUFFICIENT_FUNDS');
          continue;
        }
        const transferId = uuidv7();
        rows.push({ id: transferId, debit: buyer.id, credit: seller.id, amount: amountMicro, reference: trade.id, hash: event.id });
        const taken = orders.take(trade.buyOrderId, amountMicro);
        // What the order hold gave moves from escrow back to the buyer, then the trade's hold on the buyer.
        buyer.debitsPendingMicro += amountMicro - taken;
        seller.creditsPendingMicro += amountMicro;
        escrow.creditsPendingMicro -= taken;
        addPending(deltas, buyer.id, { debitsPendingMicro: amountMicro - taken });
        addPending(deltas, seller.id, { creditsPendingMicro: amountMicro });
        addPending(deltas, escrow.id, { creditsPendingMicro: -taken });
        emit(outboxEvent(HoldPlaced, { transferId, reference, payer: trade.buyer, payee: trade.seller, amountMicro, placedAt: new Date() }, 'settlement'));
      }
      if (rows.length > 0) {
        const inserted = await tx.$executeRawUnsafe(
          `INSERT INTO settlement.transfer (id, debit_account_id, credit_account_id, amount_micro, code, state, reference_kind, reference_id, request_hash)
           SELECT x.id, x.d, x.c, x.a, 'hold', 'pending', 'energy.trade', x.r, x.h
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::uuid[], $6::text[]) AS x(id, d, c, a, r, h)
           ON CONFLICT (reference_kind, reference_id, code) WHERE reference_id IS NOT NULL DO NOTHING`,
          rows.map((r) => r.id), rows.map((r) => r.debit), rows.map((r) => r.credit), rows.map((r) => r.amount.toString()), rows.map((r) => r.reference), rows.map((r) => r.hash),
        );
        if (inserted !== rows.length) throw new Error('a trade of the batch was held meanwhile; handling the batch one by one');
      }
      await orders.store();
      await this.orderHoldsRepo.applyPendingDeltas(tx, deltas);
    });
  }

  async holdForTrade(event: EventEnvelope<TradeFacts>): Promise<void> {
    const trade = event.data;
    const reference = { kind: 'energy.trade' as const, id: trade.id };
    const amountMicro = trade.buyerCostMicro;
    await this.uow.runOnce(TRADE_HOLDS_CONSUMER, event.id, async (tx, emit) => {
      // The order lock comes before any account lock, as in every order-hold transaction.
      const orderHold = await this.orderHolds.lockForTrade(tx, trade.buyOrderId);
      await this.accounts.ensure(tx, trade.seller, 'participant');
      const locked = await this.accounts.lockByOwners(tx, [trade.buyer, trade.seller, ENERGY_ORDER_ESCROW_OWNER]);
      const buyer = locked.get(trade.buyer);
      const seller = locked.get(trade.seller)!;
      const escrow = locked.get(ENERGY_ORDER_ESCROW_OWNER)!;
      const reject = (reason: 'INSUFFICIENT_FUNDS' | 'ACCOUNT_UNKNOWN') =>
        emit(outboxEvent(HoldRejected, { reference, payer: trade.buyer, amountMicro, reason, rejectedAt: new Date() }, 'settlement'));
      if (!buyer) return reject('ACCOUNT_UNKNOWN');
      const fromOrderHold = amountMicro < orderHold.reservedMicro ? amountMicro : orderHold.reservedMicro;
      if (availableMicro(buyer) + fromOrderHold < amountMicro) return reject('INSUFFICIENT_FUNDS');

      const transferId = uuidv7();
      const inserted = await tx.$executeRawUnsafe(
        `INSERT INTO settlement.transfer (id, debit_account_id, credit_account_id, amount_micro, code, state, reference_kind, reference_id, request_hash)
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'hold', 'pending', $5, $6::uuid, $7)
         ON CONFLICT (reference_kind, reference_id, code) WHERE reference_id IS NOT NULL DO NOTHING`,
        transferId, buyer.id, seller.id, amountMicro, reference.kind, reference.id, event.id,
      );
      if (inserted === 0) return; // already held under an earlier event id
      await orderHold.take(amountMicro, buyer.id, escrow.id);
      await this.accounts.addToBalances(tx, buyer.id, { debitsPendingMicro: amountMicro });
      await this.accounts.addToBalances(tx, seller.id, { creditsPendingMicro: amountMicro });
      emit(
        outboxEvent(
          HoldPlaced,
          { transferId, reference, payer: trade.buyer, payee: trade.seller, amountMicro, placedAt: new Date() },
          'settlement',
        ),
      );
    });
  }
}
