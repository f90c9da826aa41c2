import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  AppError,
  BookingApprove,
  BookingCancel,
  BookingCreate,
  BookingDecline,
  BookingGet,
  BookingList,
  BookingNoShow,
  ErrorCode,
  RideSearch,
  TripCancel,
  TripGet,
  TripList,
  TripPublish,
  TripUpdate,
} from '@ampool/contracts';
import { z } from 'zod';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelfOrOperator } from '../auth/ownership';
import type { Principal } from '../auth/principal';
import { ContractProxy } from '../http/contract-proxy';
import { parseWith } from '../http/parse';

const ID = z.strictObject({ id: z.string() });
const PAGE = z.strictObject({
  after: z.string().optional(),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number).optional(),
  as: z.string().optional(),
});

/** Who a participant is, for the ride market: its did (drivers and riders act only for themselves). */
function did(caller: Principal): string {
  return caller.kind === 'participant' ? caller.did : '';
}

/**
 * The ride-seat market. Drivers and riders act only for themselves: the driver of a trip or
 * the rider of a booking is always the signer, never a field of the body.
 */
@Controller('v1/rides')
export class RidesController {
  constructor(private readonly proxy: ContractProxy) {}

  @Post('trips')
  @HttpCode(201)
  @Access('participant:driver')
  async publish(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(TripPublish, withSigner(body, { driver: did(caller) }));
    return this.proxy.encode(TripPublish, await this.proxy.ask(TripPublish, input));
  }

  @Put('trips/:id')
  @Access('participant:driver')
  async update(@Param() params: unknown, @Body() body: unknown, @Caller() caller: Principal) {
    const { id } = parseWith(ID, params);
    const input = this.proxy.parse(TripUpdate, withSigner(body, { id, driver: did(caller) }));
    return this.proxy.encode(TripUpdate, await this.proxy.ask(TripUpdate, input));
  }

  @Post('trips/:id/cancel')
  @HttpCode(200)
  @Access('participant:driver')
  async cancel(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(TripCancel, { id: parseWith(ID, params).id, driver: did(caller) });
    return this.proxy.encode(TripCancel, await this.proxy.ask(TripCancel, input));
  }

  /** Trips are offers: any signed participant (and operators) may read one. */
  @Get('trips/:id')
  @Access('participant', 'operator')
  async trip(@Param() params: unknown) {
    return this.proxy.forward(TripGet, params);
  }

  /** The caller's own trips. */
  @Get('trips')
  @Access('participant:driver')
  async trips(@Query() query: unknown, @Caller() caller: Principal) {
    const q = parseWith(PAGE, query);
    const input = this.proxy.parse(TripList, { driver: did(caller), ...(q.after ? { after: q.after } : {}), ...(q.limit !== undefined ? { limit: q.limit } : {}) });
    return this.proxy.encode(TripList, await this.proxy.ask(TripList, input));
  }

  @Post('search')
  @HttpCode(200)
  @Access('participant:rider')
  async search(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(RideSearch, withSigner(body, { rider: did(caller) }));
    // Offers are passed on as ride-market encoded them (checked against the contract): a
    // re-encode of every offer was the largest single item in the gateway's profile of a search.
    return this.proxy.askWire(RideSearch, input);
  }

  @Post('bookings')
  @HttpCode(201)
  @Access('participant:rider')
  async book(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(BookingCreate, withSigner(body, { rider: did(caller) }));
    return this.proxy.askWire(BookingCreate, input);
  }

  @Post('bookings/:id/approve')
  @HttpCode(200)
  @Access('participant:driver')
  async approve(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(BookingApprove, { id: parseWith(ID, params).id, driver: did(caller) });
    return this.proxy.encode(BookingApprove, await this.proxy.ask(BookingApprove, input));
  }

  @Post('bookings/:id/decline')
  @HttpCode(200)
  @Access('participant:driver')
  async decline(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(BookingDecline, { id: parseWith(ID, params).id, driver: did(caller) });
    return this.proxy.encode(BookingDecline, await this.proxy.ask(BookingDecline, input));
  }

  @Post('bookings/:id/no-show')
  @HttpCode(200)
  @Access('participant:driver')
  async noShow(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(BookingNoShow, { id: parseWith(ID, params).id, driver: did(caller) });
    return this.proxy.encode(BookingNoShow, await this.proxy.ask(BookingNoShow, input));
  }

  /** The rider or the driver cancels; the service decides which by the signer. */
  @Post('bookings/:id/cancel')
  @HttpCode(200)
  @Access('participant:rider', 'participant:driver')
  async cancelBooking(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(BookingCancel, { id: parseWith(ID, params).id, by: did(caller) });
    return this.proxy.encode(BookingCancel, await this.proxy.ask(BookingCancel, input));
  }

  /** A booking is visible to its rider, its driver and operators. */
  @Get('bookings/:id')
  @Access('participant', 'operator')
  async booking(@Param() params: unknown, @Caller() caller: Principal) {
    const reply = await this.proxy.ask(BookingGet, this.proxy.parse(BookingGet, params));
    requireSelfOrOperator(caller, [reply.booking.rider, reply.booking.driver]);
    return this.proxy.encode(BookingGet, reply);
  }

  /** The caller's bookings, as rider (default) or as driver (`?as=driver`). */
  @Get('bookings')
  @Access('participant:rider', 'participant:driver')
  async bookings(@Query() query: unknown, @Caller() caller: Principal) {
    const q = parseWith(PAGE, query);
    const input = this.proxy.parse(BookingList, {
      participant: did(caller),
      ...(q.as ? { as: q.as } : {}),
      ...(q.after ? { after: q.after } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
    });
    return this.proxy.encode(BookingList, await this.proxy.ask(BookingList, input));
  }
}

/**
 * The body with the fields that come from the request itself (the signer, the path's id).
 * A body that names them is refused: who acts is never taken from the body.
 */
function withSigner(body: unknown, fields: Record<string, string>): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'the body must be a JSON object sent as content-type application/json');
  }
  for (const key of Object.keys(fields)) {
    if (Object.hasOwn(body, key)) throw new AppError(ErrorCode.VALIDATION_FAILED, `${key}: comes from the signed request, not the body`, { issues: [{ path: key, message: 'not allowed in the body' }] });
  }
  return { ...(body as Record<string, unknown>), ...fields };
}
