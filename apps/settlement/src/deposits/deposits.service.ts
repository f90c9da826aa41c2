import { Injectable } from '@nestjs/common';
import { AppError, DepositCreate, ErrorCode, type AccountView, type RpcRequest } from '@ampool/contracts';
import { canonicalJson, sha256Hex } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import { AccountsRepository, CLEARING_OWNER, toAccountView } from '../accounts/accounts.repository';
import { TransferEntries } from '../ledger/transfer-entries';

type DepositInput = RpcRequest<typeof DepositCreate>;

/**
 * Deposits from the simulated payment rail: a posted transfer from the clearing account to
 * the participant. The request id is the transfer id, so a retried deposit is applied once.
 */
@Injectable()
export class DepositsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly uow: UnitOfWork,
    private readonly entries: TransferEntries,
  ) {}

  async deposit(input: DepositInput): Promise<{ transferId: string; account: AccountView }> {
    const { actor, ...what } = DepositCreate.request.encode(input);
    const requestHash = sha256Hex(canonicalJson(what));
    return this.uow.run(async (tx, emit) => {
      await this.accounts.ensure(tx, CLEARING_OWNER, 'clearing');
      await this.accounts.ensure(tx, input.participant, 'participant');
      const locked = await this.accounts.lockByOwners(tx, [CLEARING_OWNER, input.participant]);
      const clearing = locked.get(CLEARING_OWNER)!;
      const participant = locked.get(input.participant)!;
      // The id decides: a concurrent duplicate waits on this row and then sees it exists.
      const inserted = await tx.settlementTransfer.createMany({
        data: [
          {
            id: input.id,
            debitAccountId: clearing.id,
            creditAccountId: participant.id,
            amountMicro: input.amountMicro,
            code: 'deposit',
            state: 'posted',
            requestHash,
          },
        ],
        skipDuplicates: true,
      });
      if (inserted.count === 0) {
        const existing = await tx.settlementTransfer.findUniqueOrThrow({ where: { id: input.id } });
        if (existing.requestHash !== requestHash) throw new AppError(ErrorCode.ID_CONFLICT, `transfer ${input.id} exists with a different body`);
        return { transferId: input.id, account: toAccountView(participant) };
      }
      await tx.settlementAudit.create({
        data: { id: uuidv7(), actor, action: 'deposit', target: input.participant, details: JSON.stringify({ transferId: input.id, amountMicro: input.amountMicro.toString() }) },
      });
      const at = new Date();
      emit(
        ...this.entries.rows([
          {
            kind: 'single',
            at,
            transfer: {
              id: input.id, kind: 'single', debitAccountId: CLEARING_OWNER, creditAccountId: input.participant, amount: input.amountMicro, code: 'deposit',
              pendingId: null, state: 'posted', createdAt: at.getTime(), expiresAt: null, postedAmount: 0n, fingerprint: requestHash,
            },
          },
        ]),
      );
      await this.accounts.addToBalances(tx, clearing.id, { debitsPostedMicro: input.amountMicro });
      const after = await this.accounts.addToBalances(tx, participant.id, { creditsPostedMicro: input.amountMicro });
      return { transferId: input.id, account: toAccountView(after) };
    });
  }
}
