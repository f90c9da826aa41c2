import { Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  asAppError,
  ErrorCode,
  SYSTEM_ACCOUNTS,
  type AccountView,
  type RpcRequest,
  type RpcResponse,
  type TransferCreate,
  type WithdrawalCreate,
} from '@ampool/contracts';
import { Clock, uuidv7 } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import type { TransferRequest, TransferResult } from '@ampool/settlement';
import { TransferEngine } from './transfer-engine';
import { TransferIdRace } from './transfers.repository';

type CreateInput = RpcRequest<typeof TransferCreate>;
type CreateResult = RpcResponse<typeof TransferCreate>['results'][number];

/** Transfers merged into one transaction, at most. */
const MAX_BATCH_TRANSFERS = 8_000;
/** Transactions running at once (one can commit while the next is being built). */
const MAX_IN_FLIGHT = 2;
/** Requests waiting, at most (beyond it new ones are refused as unavailable: retry with the same ids). */
const MAX_QUEUED = 2_000;
/** A batch that lost an id race to another transaction is run again this many times. */
const ID_RACE_RETRIES = 3;

interface Waiting {
  requests: TransferRequest[];
  actor: string | null;
  resolve: (results: TransferResult[]) => void;
  reject: (error: unknown) => void;
}

/** The wire request as the book takes it (accounts are named by owner). */
export function toBookRequest(r: CreateInput['transfers'][number]): TransferRequest {
  return {
    id: r.id,
    kind: r.kind,
    debitAccountId: r.debit,
    creditAccountId: r.credit,
    amount: r.amountMicro,
    code: r.code,
    pendingId: r.pendingId,
    timeoutMs: r.timeoutMs,
    linked: r.linked,
  };
}

/**
 * Generic transfers (the operator API) and withdrawals. Concurrent requests are merged: while
 * a transaction runs, new requests queue, and the next transaction takes all of them (up to
 * MAX_BATCH_TRANSFERS) — many transfers per transaction, as TigerBeetle batches, with each
 * request's chains kept apart. Alone, a request pays no delay.
 */
@Injectable()
export class TransfersService {
  private readonly log = new Logger(TransfersService.name);
  private readonly queue: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly engine: TransferEngine,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateInput): Promise<CreateResult[]> {
    const results = await this.submit(input.transfers.map(toBookRequest), input.actor);
    return results.map((r) => (r.status === 'refused' ? r : { id: r.id, status: r.status, state: r.transfer.state }));
  }

  async withdraw(input: RpcRequest<typeof WithdrawalCreate>): Promise<{ transferId: string; account: AccountView }> {
    const [result] = await this.submit(
      [{ id: input.id, kind: 'single', debitAccountId: input.participant, creditAccountId: SYSTEM_ACCOUNTS.clearing, amount: input.amountMicro, code: 'withdrawal' }],
      input.actor,
    );
    if (result!.status === 'refused') {
      const reason = result!.reason;
      if (reason === 'INSUFFICIENT_FUNDS') throw new AppError(ErrorCode.INSUFFICIENT_FUNDS, `${input.participant} cannot withdraw ${input.amountMicro} µ`);
      if (reason === 'ACCOUNT_UNKNOWN') throw new AppError(ErrorCode.ACCOUNT_UNKNOWN, `no account for ${input.participant}`);
      if (reason === 'ID_CONFLICT') throw new AppError(ErrorCode.ID_CONFLICT, `transfer ${input.id} exists with a different body`);
      throw new AppError(ErrorCode.OUT_OF_RANGE, `withdrawal refused: ${reason}`, { reason });
    }
    const account = await this.uow.run(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ cp: bigint; dp: bigint; cpe: bigint; dpe: bigint }[]>(
        `SELECT credits_posted_micro AS cp, debits_posted_micro AS dp, credits_pending_micro AS cpe, debits_pending_micro AS dpe FROM settlement.account WHERE owner = $1`,
        input.participant,
      );
      return row!;
    });
    return {
      transferId: input.id,
      account: {
        owner: input.participant,
        creditsPostedMicro: account.cp,
        debitsPostedMicro: account.dp,
        creditsPendingMicro: account.cpe,
        debitsPendingMicro: account.dpe,
        availableMicro: account.cp - account.dp - account.dpe,
      },
    };
  }

  /** Queues requests for the next transaction; resolves with one result per request. */
  submit(requests: TransferRequest[], actor: string | null = null): Promise<TransferResult[]> {
    if (this.queue.length >= MAX_QUEUED) return Promise.reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'too many transfers waiting; retry with the same ids'));
    return new Promise((resolve, reject) => {
      this.queue.push({ requests, actor, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch: Waiting[] = [];
      let size = 0;
      while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0]!.requests.length <= MAX_BATCH_TRANSFERS)) {
        const w = this.queue.shift()!;
        size += w.requests.length;
        batch.push(w);
      }
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const results = await this.applyWithRetry(batch);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      const e = asAppError(error, 'transfers failed');
      if (!(error instanceof AppError)) {
        if (e.code === ErrorCode.INTERNAL) this.log.error('transfer batch failed', (error as Error)?.stack ?? String(error));
        else this.log.warn(`transfer batch failed with ${e.code}: ${(error as Error)?.message ?? String(error)}`);
      }
      for (const w of batch) w.reject(e);
    }
  }

  private async applyWithRetry(batch: Waiting[]): Promise<TransferResult[][]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.uow.run(async (tx) => {
          const now = this.clock.now();
          const outcome = await this.engine.apply(tx, batch.map((w) => w.requests), now);
          // Operators' requests are audited: who asked, and which transfers were created.
          const audited = batch.flatMap((w, i) => {
            if (!w.actor) return [];
            const created = outcome.results[i]!.filter((r) => r.status === 'created').map((r) => r.id);
            return created.length > 0 ? [{ actor: w.actor, created }] : [];
          });
          if (audited.length > 0) {
            await tx.settlementAudit.createMany({
              data: audited.map((a) => ({ id: uuidv7(), actor: a.actor, action: 'transfers', target: 'settlement', details: JSON.stringify({ transferIds: a.created }) })),
            });
          }
          return outcome.results;
        });
      } catch (error) {
        if (!(error instanceof TransferIdRace) || attempt >= ID_RACE_RETRIES) throw error;
      }
    }
  }
}
