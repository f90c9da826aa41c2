import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AccountGet, DepositCreate } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { parseWith } from '../http/parse';

@Controller('v1')
export class SettlementController {
  constructor(private readonly rpc: RpcClient) {}

  /** Simulated payment rail: credit a participant. (Operator-only once identity has sessions.) */
  @Post('deposits')
  @HttpCode(201)
  async deposit(@Body() body: unknown) {
    const input = parseWith(DepositCreate.request, body);
    return DepositCreate.response.encode(await this.rpc.request(DepositCreate, input));
  }

  @Get('accounts/:owner')
  async account(@Param() params: unknown) {
    const input = parseWith(AccountGet.request, params);
    return AccountGet.response.encode(await this.rpc.request(AccountGet, input));
  }
}
