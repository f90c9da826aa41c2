import { Controller } from '@nestjs/common';
import { InvariantsCheck, PayoutsRun, StatementGet, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { Clock } from '@ampool/domain';
import { RpcHandler } from '@ampool/messaging';
import { PrismaClient } from '@ampool/persistence';
import { PayoutsService } from '../payouts/payouts.service';
import { checkInvariants } from './invariants';
import { StatementsService } from './statements.service';

@Controller()
export class ReportsController {
  constructor(
    private readonly statements: StatementsService,
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
    private readonly payouts: PayoutsService,
  ) {}

  @RpcHandler(PayoutsRun)
  async payout(input: RpcRequest<typeof PayoutsRun>): Promise<RpcResponse<typeof PayoutsRun>> {
    return { day: input.day, payouts: await this.payouts.run(input.day, input.actor) };
  }

  @RpcHandler(StatementGet)
  async statement(input: RpcRequest<typeof StatementGet>): Promise<RpcResponse<typeof StatementGet>> {
    return { statement: await this.statements.statement(input.owner, input.from, input.to) };
  }

  @RpcHandler(InvariantsCheck)
  async check(): Promise<RpcResponse<typeof InvariantsCheck>> {
    const now = this.clock.now();
    return this.prisma.$transaction((tx) => checkInvariants(tx, now), { isolationLevel: 'RepeatableRead', timeout: 60_000 });
  }
}
