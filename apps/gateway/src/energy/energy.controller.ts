import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  AreaConfigure,
  AreaList,
  MarketDepth,
  MarketFlows,
  MarketStats,
  MarketTrades,
  OrderBatchSubmit,
  OrderCancel,
  OrderGet,
  OrderList,
  OrderReplace,
  OrderSubmit,
  PolicyList,
  PolicySet,
  PolicyStop,
  TradeGet,
} from '@ampool/contracts';
import { z } from 'zod';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelf, requireSelfOrOperator } from '../auth/ownership';
import { actorOf, type Principal } from '../auth/principal';
import { ContractProxy } from '../http/contract-proxy';
import { parseWith } from '../http/parse';

const ID = z.strictObject({ id: z.string() });
const MARKET = z.strictObject({ zone: z.string(), intervalStart: z.string() });
const whole = z.string().regex(/^[0-9]{1,6}$/, 'must be a whole number').transform(Number);
const DEPTH_QUERY = z.strictObject({ levels: whole.optional() });
const FLOWS_QUERY = z.strictObject({ intervalStart: z.string().optional(), limit: whole.optional() });
const TAPE_QUERY = z.strictObject({ afterSeq: whole.optional(), limit: whole.optional() });
const LIST_QUERY = z.strictObject({ status: z.string().optional(), intervalStart: z.string().optional(), before: z.string().optional(), limit: whole.optional() });
const POLICY_BODY = z.strictObject({ id: z.unknown(), policy: z.unknown() });
const REPLACE_BODY = z.strictObject({ quantityWh: z.unknown(), limitPriceMicroPerKwh: z.unknown() });

/** Who a participant is: its did (an owner acts only for itself). */
function did(caller: Principal): string {
  return caller.kind === 'participant' ? caller.did : '';
}

/** Drops undefined values so the contract's defaults apply. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The energy market. Orders are placed, cancelled and replaced by their owner only (the
 * signer); the market's read models (depth, tape, statistics, areas) are public; operators
 * configure areas.
 */
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

  /** Many orders of one household in one signed request; each is answered on its own. */
  @Post('orders/batch')
  @HttpCode(200)
  @Access('participant:household')
  async submitBatch(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(OrderBatchSubmit, body);
    requireSelf(caller, input.participant);
    return this.proxy.encode(OrderBatchSubmit, await this.proxy.ask(OrderBatchSubmit, input));
  }

  /** The caller's orders, newest first. */
  @Get('orders')
  @Access('participant:household')
  async list(@Query() query: unknown, @Caller() caller: Principal) {
    const q = parseWith(LIST_QUERY, query);
    const input = this.proxy.parse(OrderList, defined({ participant: did(caller), ...q }));
    return this.proxy.encode(OrderList, await this.proxy.ask(OrderList, input));
  }

  @Get('orders/:id')
  @Access('participant', 'operator')
  async order(@Param() params: unknown, @Caller() caller: Principal) {
    const reply = await this.proxy.ask(OrderGet, this.proxy.parse(OrderGet, params));
    requireSelfOrOperator(caller, reply.order.participant);
    return this.proxy.encode(OrderGet, reply);
  }

  @Post('orders/:id/cancel')
  @HttpCode(200)
  @Access('participant:household')
  async cancel(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(OrderCancel, { id: parseWith(ID, params).id, participant: did(caller) });
    return this.proxy.encode(OrderCancel, await this.proxy.ask(OrderCancel, input));
  }

  /** Cancel-and-replace: a new limit and a new total quantity (filled part included). */
  @Post('orders/:id/replace')
  @HttpCode(200)
  @Access('participant:household')
  async replace(@Param() params: unknown, @Body() body: unknown, @Caller() caller: Principal) {
    const b = parseWith(REPLACE_BODY, body);
    const input = this.proxy.parse(OrderReplace, { ...b, id: parseWith(ID, params).id, participant: did(caller) });
    return this.proxy.encode(OrderReplace, await this.proxy.ask(OrderReplace, input));
  }

  /** A trade is visible to its buyer, its seller and operators. */
  @Get('trades/:id')
  @Access('participant', 'operator')
  async trade(@Param() params: unknown, @Caller() caller: Principal) {
    const reply = await this.proxy.ask(TradeGet, this.proxy.parse(TradeGet, params));
    requireSelfOrOperator(caller, [reply.trade.buyer, reply.trade.seller]);
    return this.proxy.encode(TradeGet, reply);
  }

  /** Aggregated depth of a zone's book for one interval (no identities). */
  @Get('markets/:zone/:intervalStart/depth')
  @Access('public')
  async depth(@Param() params: unknown, @Query() query: unknown) {
    return this.proxy.forward(MarketDepth, { ...parseWith(MARKET, params), ...defined(parseWith(DEPTH_QUERY, query)) });
  }

  /** The anonymous trade tape of a zone for one interval. */
  @Get('markets/:zone/:intervalStart/trades')
  @Access('public')
  async tape(@Param() params: unknown, @Query() query: unknown) {
    return this.proxy.forward(MarketTrades, { ...parseWith(MARKET, params), ...defined(parseWith(TAPE_QUERY, query)) });
  }

  @Get('markets/:zone/:intervalStart/stats')
  @Access('public')
  async stats(@Param() params: unknown) {
    return this.proxy.forward(MarketStats, parseWith(MARKET, params));
  }

  /** A standing policy of the caller: evaluated for each upcoming interval into ordinary orders. */
  @Post('policies')
  @HttpCode(201)
  @Access('participant:household')
  async setPolicy(@Body() body: unknown, @Caller() caller: Principal) {
    // The participant is the signer, never a field of the body.
    const input = this.proxy.parse(PolicySet, { ...parseWith(POLICY_BODY, body), participant: did(caller) });
    return this.proxy.encode(PolicySet, await this.proxy.ask(PolicySet, input));
  }

  @Get('policies')
  @Access('participant:household')
  async policies(@Caller() caller: Principal) {
    return this.proxy.forward(PolicyList, { participant: did(caller) });
  }

  @Post('policies/:id/stop')
  @HttpCode(200)
  @Access('participant:household')
  async stopPolicy(@Param() params: unknown, @Caller() caller: Principal) {
    return this.proxy.forward(PolicyStop, { id: parseWith(ID, params).id, participant: did(caller) });
  }

  @Get('areas')
  @Access('public')
  async areas() {
    return this.proxy.forward(AreaList, {});
  }

  /**
   * Cross-zone flows of an area against its transfer capacities: one interval
   * (`?intervalStart=`) or its open markets. Zones and energy only, so public like depth.
   */
  @Get('areas/:id/flows')
  @Access('public')
  async flows(@Param() params: unknown, @Query() query: unknown) {
    return this.proxy.forward(MarketFlows, { area: parseWith(ID, params).id, ...defined(parseWith(FLOWS_QUERY, query)) });
  }

  /** An operator creates or replaces an area (zones, interval, window, band, fees, capacities, mode). */
  @Put('areas/:id')
  @Access('operator')
  async configure(@Param() params: unknown, @Body() body: unknown, @Caller() caller: Principal) {
    const { id } = parseWith(ID, params);
    const area = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, id } : body;
    const input = this.proxy.parse(AreaConfigure, { area, actor: actorOf(caller) });
    return this.proxy.encode(AreaConfigure, await this.proxy.ask(AreaConfigure, input));
  }
}
