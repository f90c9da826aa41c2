import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AccountGet, DepositCreate } from '@ampool/contracts';
import { ContractProxy } from '../http/contract-proxy';

@Controller('v1')
export class SettlementController {
  constructor(private readonly proxy: ContractProxy) {}

  /** Simulated payment rail: credit a participant. (Operator-only once identity has sessions.) */
  @Post('deposits')
  @HttpCode(201)
  deposit(@Body() body: unknown) {
    return this.proxy.forward(DepositCreate, body);
  }

  @Get('accounts/:owner')
  account(@Param() params: unknown) {
    return this.proxy.forward(AccountGet, params);
  }
}
