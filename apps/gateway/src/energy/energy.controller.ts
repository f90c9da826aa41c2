import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { OrderGet, OrderSubmit, TradeGet } from '@ampool/contracts';
import { ContractProxy } from '../http/contract-proxy';

@Controller('v1/energy')
export class EnergyController {
  constructor(private readonly proxy: ContractProxy) {}

  @Post('orders')
  @HttpCode(201)
  submit(@Body() body: unknown) {
    return this.proxy.forward(OrderSubmit, body);
  }

  @Get('orders/:id')
  order(@Param() params: unknown) {
    return this.proxy.forward(OrderGet, params);
  }

  @Get('trades/:id')
  trade(@Param() params: unknown) {
    return this.proxy.forward(TradeGet, params);
  }
}
