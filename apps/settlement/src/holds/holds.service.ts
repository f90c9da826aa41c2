import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS, HoldPlaced, HoldRejected, type EventEnvelope, type TradeFacts } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { AccountsRepository, availableMicro } from '../accounts/accounts.repository';
import { ENERGY_ORDER_ESCROW_OWNER } from '../order-holds/order-holds.repository';
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
    private readonly uow: UnitOfWork,
  ) {}

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
