import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AnomalyList, AppError, DeviceGet, ErrorCode, IntervalList, ReadingsSubmit, TelegramSubmit } from '@ampool/contracts';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelfOrOperator } from '../auth/ownership';
import type { Principal } from '../auth/principal';
import { ContractProxy } from '../http/contract-proxy';

/** A device speaks only for itself: the request's signer must be the device in the body. */
function requireDevice(caller: Principal, did: string): void {
  if (caller.kind !== 'device' || caller.did !== did) throw new AppError(ErrorCode.FORBIDDEN, 'a device uploads only its own data, signing the request itself');
}

@Controller('v1')
export class MeteringController {
  constructor(private readonly proxy: ContractProxy) {}

  /** A device's signed readings (live, or a backlog after being offline). */
  @Post('metering/readings')
  @HttpCode(200)
  @Access('device')
  async readings(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(ReadingsSubmit, body);
    requireDevice(caller, input.device);
    return this.proxy.encode(ReadingsSubmit, await this.proxy.ask(ReadingsSubmit, input));
  }

  /** A P1 gateway's signed raw DSMR telegram. */
  @Post('metering/telegrams')
  @HttpCode(200)
  @Access('device')
  async telegram(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(TelegramSubmit, body);
    requireDevice(caller, input.gateway);
    return this.proxy.encode(TelegramSubmit, await this.proxy.ask(TelegramSubmit, input));
  }

  /** A device's finalized intervals, for its owner, the device itself and operators. */
  @Get('devices/:did/intervals')
  @Access('participant', 'device', 'operator')
  async intervals(@Param('did') did: string, @Query() query: Record<string, string>, @Caller() caller: Principal) {
    const input = this.proxy.parse(IntervalList, { device: did, from: query.from, limit: query.limit === undefined ? undefined : Number(query.limit) });
    const { device } = await this.proxy.ask(DeviceGet, { did: input.device });
    requireSelfOrOperator(caller, [device.owner, device.did]);
    return this.proxy.encode(IntervalList, await this.proxy.ask(IntervalList, input));
  }

  @Get('metering/anomalies')
  @Access('operator')
  anomalies(@Query() query: Record<string, string>) {
    return this.proxy.forward(AnomalyList, { device: query.device, limit: query.limit === undefined ? undefined : Number(query.limit) });
  }
}
