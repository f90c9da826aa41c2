import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS, HoldPlaced, HoldRejected, type EventEnvelope, type TradeFacts } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { AccountsRepository, availableMicro } from '../accounts/accounts.repository';

/** The consumer name under which trade holds are recorded as processed. */
export const TRADE_HOLDS_CONSUMER = DURABLE_CONSUMERS.settlementTradeHolds.durable;

/**
 * Holds the buyer's money for a trade: a pending transfer from the buyer's account to the
 * seller's, for the trade's value. It is applied at most once per trade — by the
 * processed-event mark, and again by the unique (reference, code) index on transfers.
 *
 * Today the hold is placed when the trade event arrives, so a buyer without the money ends
 * up with an `unfunded` trade; holding at order acceptance, posting on proven delivery and
 * voiding belong to the settlement capability still to come.
 */
@Injectable()
export class HoldsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async holdForTrade(event: EventEnvelope<TradeFacts>): Promise<void> {
    const trade = event.data;
    const reference = { kind: 'energy.trade' as const, id: trade.id };
    await this.uow.runOnce(TRADE_HOLDS_CONSUMER, event.id, async (tx, emit) => {
      await this.accounts.ensure(tx, trade.seller, 'participant');
      const locked = await this.accounts.lockByOwners(tx, [trade.buyer, trade.seller]);
      const buyer = locked.get(trade.buyer);
      const seller = locked.get(trade.seller)!;
      const reject = (reason: 'INSUFFICIENT_FUNDS' | 'ACCOUNT_UNKNOWN') =>
        emit(outboxEvent(HoldRejected, { reference, payer: trade.buyer, amountMicro: trade.valueMicro, reason, rejectedAt: new Date() }, 'settlement'));
      if (!buyer) return reject('ACCOUNT_UNKNOWN');
      if (availableMicro(buyer) < trade.valueMicro) return reject('INSUFFICIENT_FUNDS');

      const transferId = uuidv7();
      const inserted = await tx.$executeRawUnsafe(
        `INSERT INTO settlement.transfer (id, debit_account_id, credit_account_id, amount_micro, code, state, reference_kind, reference_id, request_hash)
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'hold', 'pending', $5, $6::uuid, $7)
         ON CONFLICT (reference_kind, reference_id, code) WHERE reference_id IS NOT NULL DO NOTHING`,
        transferId, buyer.id, seller.id, trade.valueMicro, reference.kind, reference.id, event.id,
      );
      if (inserted === 0) return; // already held under an earlier event id
      await this.accounts.addToBalances(tx, buyer.id, { debitsPendingMicro: trade.valueMicro });
      await this.accounts.addToBalances(tx, seller.id, { creditsPendingMicro: trade.valueMicro });
      emit(
        outboxEvent(
          HoldPlaced,
          { transferId, reference, payer: trade.buyer, payee: trade.seller, amountMicro: trade.valueMicro, placedAt: new Date() },
          'settlement',
        ),
      );
    });
  }
}
