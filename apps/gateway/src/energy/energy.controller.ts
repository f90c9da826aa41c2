import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { OrderGet, OrderSubmit, TradeGet } from '@ampool/contracts';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelf, requireSelfOrOperator } from '../auth/ownership';
import type { Principal } from '../auth/principal';
import { ContractProxy } from '../http/contract-proxy';

@Controller('v1/energy')
export class EnergyController {
  constructor(private readonly proxy: ContractProxy) {}

  /** A household places an order for itself. */
  @Post('orders')
  @HttpCode(201)
  @Access('participant:household')
  async submit(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(OrderSubmit, body);
    requireSelf(caller, input.participant);
    return this.proxy.encode(OrderSubmit, await this.proxy.ask(OrderSubmit, input));
  }

  @Get('orders/:id')
  @Access('participant', 'operator')
  async order(@Param() params: unknown, @Caller() caller: Principal) {
    const reply = await this.proxy.ask(OrderGet, this.proxy.parse(OrderGet, params));
    requireSelfOrOperator(caller, reply.order.participant);
    return this.proxy.encode(OrderGet, reply);
  }

  /** A trade is visible to its buyer, its seller and operators. */
  @Get('trades/:id')
  @Access('participant', 'operator')
  async trade(@Param() params: unknown, @Caller() caller: Principal) {
    const reply = await this.proxy.ask(TradeGet, this.proxy.parse(TradeGet, params));
    requireSelfOrOperator(caller, [reply.trade.buyer, reply.trade.seller]);
    return this.proxy.encode(TradeGet, reply);
  }
}
