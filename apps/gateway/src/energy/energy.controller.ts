import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { OrderGet, OrderSubmit, TradeGet } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { parseWith } from '../http/parse';

@Controller('v1/energy')
export class EnergyController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('orders')
  @HttpCode(201)
  async submit(@Body() body: unknown) {
    const input = parseWith(OrderSubmit.request, body);
    return OrderSubmit.response.encode(await this.rpc.request(OrderSubmit, input));
  }

  @Get('orders/:id')
  async order(@Param() params: unknown) {
    const input = parseWith(OrderGet.request, params);
    return OrderGet.response.encode(await this.rpc.request(OrderGet, input));
  }

  @Get('trades/:id')
  async trade(@Param() params: unknown) {
    const input = parseWith(TradeGet.request, params);
    return TradeGet.response.encode(await this.rpc.request(TradeGet, input));
  }
}
