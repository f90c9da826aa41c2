import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppError, ErrorCode, SYSTEM_ACCOUNTS, type PayoutsRun, type RpcResponse } from '@ampool/contracts';
import { Clock, uuidv7 } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import type { TransferRequest } from '@ampool/settlement';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../config';
import { derivedTransferId } from '../transfers/derived-id';
import { TransferEngine } from '../transfers/transfer-engine';
import { TransfersRepository } from '../transfers/transfers.repository';

type Payout = RpcResponse<typeof PayoutsRun>['payouts'][number];

const DAY_MS = 86_400_000;
/** Participants paid per transaction. */
const PER_TRANSACTION = 1_000;
/** Codes that are not the day's business: money in and out of the platform itself. */
const NOT_NETTED = ['deposit', 'withdrawal', 'payout'];

/**
 * Netting: one payout per participant per day. A participant's net for a day is the signed
 * sum of its posted transfers that day (trades, deliveries, fees, penalties, ride fares…),
 * deposits and withdrawals aside; when positive, that much (at most what is available) leaves
 * for the outside world as a single `payout` transfer to the clearing account. Ids derive from
 * (participant, day): running a day twice pays once.
 */
@Injectable()
export class PayoutsService {
  constructor(
    private readonly engine: TransferEngine,
    private readonly transfers: TransfersRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async run(day: string, actor: string | null): Promise<Payout[]> {
    const from = Date.parse(`${day}T00:00:00.000Z`);
    const to = from + DAY_MS;
    if (to > this.clock.now()) throw new AppError(ErrorCode.OUT_OF_RANGE, `day ${day} is not over yet`);
    const owed = await this.uow.run((tx) =>
      tx.$queryRawUnsafe<{ owner: string; net: bigint }[]>(
        `WITH moves AS (
           SELECT credit_account_id AS a, amount_micro AS v FROM settlement.transfer
           WHERE kind IN ('single', 'post') AND created_at >= $1 AND created_at < $2 AND code <> ALL($3::text[])
           UNION ALL
           SELECT debit_account_id, -amount_micro FROM settlement.transfer
           WHERE kind IN ('single', 'post') AND created_at >= $1 AND created_at < $2 AND code <> ALL($3::text[]))
         SELECT acc.owner, sum(m.v)::bigint AS net FROM moves m JOIN settlement.account acc ON acc.id = m.a
         WHERE acc.kind = 'participant' GROUP BY acc.owner HAVING sum(m.v) > 0 ORDER BY acc.owner`,
        new Date(from),
        new Date(to),
        NOT_NETTED,
      ),
    );
    const payouts: Payout[] = [];
    for (let i = 0; i < owed.length; i += PER_TRANSACTION) {
      const slice = owed.slice(i, i + PER_TRANSACTION);
      payouts.push(
        ...(await this.uow.run(async (tx) => {
          const now = this.clock.now();
          // Capped at what each has available now: read under the engine's locks, so a
          // transfer racing with the payout can never make it overdraw.
          const requests: TransferRequest[] = slice.map((o) => ({
            id: derivedTransferId('payout', o.owner, day), kind: 'single', debitAccountId: o.owner, creditAccountId: SYSTEM_ACCOUNTS.clearing, amount: o.net, code: 'payout',
          }));
          const accounts = await this.engine.lock(tx, requests);
          // Paid before (an earlier run of this day): reported as it was, never paid again.
          const earlier = await this.transfers.findTransfers(tx, requests.map((r) => r.id));
          const before: Payout[] = [...earlier.values()].map((t) => ({ participant: t.debitAccountId, amountMicro: t.amount, transferId: t.id, status: 'exists' }));
          const capped = requests.flatMap((r) => {
            if (earlier.has(r.id)) return [];
            const a = accounts.get(r.debitAccountId!)?.account;
            const available = a ? a.creditsPosted - a.debitsPosted - a.debitsPending : 0n;
            const amount = r.amount! < available ? r.amount! : available;
            return amount > 0n ? [{ ...r, amount }] : [];
          });
          const outcome = await this.engine.apply(tx, [capped], now);
          const created = outcome.results[0]!.filter((r) => r.status === 'created').map((r) => r.id);
          if (actor && created.length > 0) {
            await tx.settlementAudit.create({ data: { id: uuidv7(), actor, action: 'payouts', target: 'settlement', details: JSON.stringify({ day, transferIds: created }) } });
          }
          return [
            ...before,
            ...outcome.results[0]!.flatMap((r, k): Payout[] =>
              r.status === 'refused' ? [] : [{ participant: capped[k]!.debitAccountId!, amountMicro: r.transfer.amount, transferId: r.id, status: r.status }],
            ),
          ].sort((x, y) => (x.participant < y.participant ? -1 : 1));
        })),
      );
    }
    return payouts;
  }
}

/** Runs the previous day's payouts once it is over (business time), when DAILY_PAYOUTS is on. */
@Injectable()
export class DailyPayouts implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DailyPayouts.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private lastDay?: string;

  constructor(
    private readonly payouts: PayoutsService,
    private readonly clock: Clock,
    @Inject(SETTLEMENT_CONFIG) private readonly config: SettlementConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.DAILY_PAYOUTS !== 'on') return;
    this.timer = setInterval(() => this.kick(), 60_000);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private kick(): void {
    const yesterday = new Date(Math.floor(this.clock.now() / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
    if (this.running || yesterday === this.lastDay) return;
    this.running = this.payouts
      .run(yesterday, null)
      .then((done) => {
        this.lastDay = yesterday;
        if (done.length > 0) this.logger.log(`paid out ${done.length} participants for ${yesterday}`);
      })
      .catch((error) => this.logger.warn(`payouts for ${yesterday} failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }
}
