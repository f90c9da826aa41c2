import { Controller, Get, Query } from '@nestjs/common';
import { TripMap } from '@ampool/contracts';
import { z } from 'zod';
import { Access } from '../auth/auth.decorators';
import { ContractProxy } from '../http/contract-proxy';
import { parseWith } from '../http/parse';

const minutes = z.string().regex(/^[0-9]{1,5}$/, 'must be a whole number of minutes').transform(Number).optional();
const QUERY = z.strictObject({ beforeMinutes: minutes, afterMinutes: minutes, limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number).optional() });

/** The ride market on the operator's map: trips around now with their routes (operators only: routes are personal data). */
@Controller('v1/operator/rides')
export class RideMapController {
  constructor(private readonly proxy: ContractProxy) {}

  @Get('map')
  @Access('operator')
  async map(@Query() query: unknown) {
    const input = this.proxy.parse(TripMap, parseWith(QUERY, query));
    return this.proxy.encode(TripMap, await this.proxy.ask(TripMap, input));
  }
}
