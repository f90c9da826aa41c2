import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AccountGet, DepositCreate, InvariantsCheck, PayoutsRun, StatementGet, TransferCreate, WithdrawalCreate } from '@ampool/contracts';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelfOrOperator } from '../auth/ownership';
import { actorOf, type Principal } from '../auth/principal';
import { parseWith } from '../http/parse';
import { ContractProxy } from '../http/contract-proxy';

const DEPOSIT_BODY = DepositCreate.request.omit({ actor: true });
const WITHDRAWAL_BODY = WithdrawalCreate.request.omit({ actor: true });
const TRANSFERS_BODY = TransferCreate.request.omit({ actor: true });
const PAYOUTS_BODY = PayoutsRun.request.omit({ actor: true });

@Controller('v1')
export class SettlementController {
  constructor(private readonly proxy: ContractProxy) {}

  /** Simulated payment rail: an operator credits a participant. */
  @Post('deposits')
  @HttpCode(201)
  @Access('operator')
  async deposit(@Body() body: unknown, @Caller() caller: Principal) {
    // The body names the deposit; who asked for it comes from the session, never the body.
    const input = { ...parseWith(DEPOSIT_BODY, body), actor: actorOf(caller) };
    return this.proxy.encode(DepositCreate, await this.proxy.ask(DepositCreate, input));
  }

  /** Simulated payment rail: an operator pays a participant's money out. */
  @Post('withdrawals')
  @HttpCode(201)
  @Access('operator')
  async withdraw(@Body() body: unknown, @Caller() caller: Principal) {
    const input = { ...parseWith(WITHDRAWAL_BODY, body), actor: actorOf(caller) };
    return this.proxy.encode(WithdrawalCreate, await this.proxy.ask(WithdrawalCreate, input));
  }

  /** Transfers of any kind (single, pending, post, void), linked chains, one result each. */
  @Post('transfers')
  @HttpCode(200)
  @Access('operator')
  async transfers(@Body() body: unknown, @Caller() caller: Principal) {
    const input = { ...parseWith(TRANSFERS_BODY, body), actor: actorOf(caller) };
    return this.proxy.encode(TransferCreate, await this.proxy.ask(TransferCreate, input));
  }

  @Get('accounts/:owner')
  @Access('participant', 'operator')
  async account(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(AccountGet, params);
    requireSelfOrOperator(caller, input.owner);
    return this.proxy.encode(AccountGet, await this.proxy.ask(AccountGet, input));
  }

  /** A statement for [from, to): `?from=&to=` (ISO instants, at most 31 days). */
  @Get('accounts/:owner/statement')
  @Access('participant', 'operator')
  async statement(@Param() params: Record<string, unknown>, @Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const input = this.proxy.parse(StatementGet, { owner: params.owner, from: query.from, to: query.to });
    requireSelfOrOperator(caller, input.owner);
    return this.proxy.encode(StatementGet, await this.proxy.ask(StatementGet, input));
  }

  /** Netting: one payout per participant for a day that is over (`{ day: "YYYY-MM-DD" }`); idempotent. */
  @Post('settlement/payouts')
  @HttpCode(200)
  @Access('operator')
  async payouts(@Body() body: unknown, @Caller() caller: Principal) {
    const input = { ...parseWith(PAYOUTS_BODY, body), actor: actorOf(caller) };
    return this.proxy.encode(PayoutsRun, await this.proxy.ask(PayoutsRun, input));
  }

  /** Settlement's invariants checked now (Σ balances = 0, no overdraft, every transfer accounted for). */
  @Get('settlement/invariants')
  @Access('operator')
  async invariants() {
    return this.proxy.encode(InvariantsCheck, await this.proxy.ask(InvariantsCheck, {}));
  }
}
