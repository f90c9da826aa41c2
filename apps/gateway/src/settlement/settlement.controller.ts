import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AccountGet, DepositCreate } from '@ampool/contracts';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelfOrOperator } from '../auth/ownership';
import type { Principal } from '../auth/principal';
import { ContractProxy } from '../http/contract-proxy';

@Controller('v1')
export class SettlementController {
  constructor(private readonly proxy: ContractProxy) {}

  /** Simulated payment rail: an operator credits a participant. */
  @Post('deposits')
  @HttpCode(201)
  @Access('operator')
  deposit(@Body() body: unknown) {
    return this.proxy.forward(DepositCreate, body);
  }

  @Get('accounts/:owner')
  @Access('participant', 'operator')
  async account(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(AccountGet, params);
    requireSelfOrOperator(caller, input.owner);
    return this.proxy.encode(AccountGet, await this.proxy.ask(AccountGet, input));
  }
}
