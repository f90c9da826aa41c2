import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AccountGet, DepositCreate } from '@ampool/contracts';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelfOrOperator } from '../auth/ownership';
import { actorOf, type Principal } from '../auth/principal';
import { parseWith } from '../http/parse';
import { ContractProxy } from '../http/contract-proxy';

const DEPOSIT_BODY = DepositCreate.request.omit({ actor: true });

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

  @Get('accounts/:owner')
  @Access('participant', 'operator')
  async account(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(AccountGet, params);
    requireSelfOrOperator(caller, input.owner);
    return this.proxy.encode(AccountGet, await this.proxy.ask(AccountGet, input));
  }
}
