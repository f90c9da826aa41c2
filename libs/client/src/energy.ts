import { ApiError, type AmpoolClient, type Credentials } from './ampool-client';
import { signingWith } from './identities';
import type { SigningKey } from '@ampool/http-signature';

/**
 * The energy market through the gateway, in wire form (Wh and µ-currency as decimal strings,
 * times as ISO instants). Orders are signed by the participant who places them.
 */

/** What a participant sends for one order. */
export interface OrderBody {
  id: string;
  side: 'buy' | 'sell';
  zone: string;
  intervalStart: string;
  quantityWh: string;
  limitPriceMicroPerKwh: string;
  timeInForce?: 'GTC' | 'IOC' | 'FOK';
  minFillWh?: string;
  /** The selling device (required for a sell). */
  device?: string;
}

/** An order as the API answers it. */
export interface OrderWire {
  id: string;
  participant: string;
  side: 'buy' | 'sell';
  zone: string;
  intervalStart: string;
  quantityWh: string;
  limitPriceMicroPerKwh: string;
  remainingWh: string;
  filledWh: string;
  status: 'open' | 'filled' | 'cancelled' | 'expired';
  timeInForce: 'GTC' | 'IOC' | 'FOK';
  minFillWh: string | null;
  device: string | null;
  createdAt: string;
}

/** A trade as the API answers it. */
export interface TradeWire {
  id: string;
  buyOrderId: string;
  sellOrderId: string;
  buyer: string;
  seller: string;
  zone: string;
  sellerZone: string;
  buyerZone: string;
  intervalStart: string;
  energyWh: string;
  priceMicroPerKwh: string;
  gridFeeMicroPerKwh: string;
  valueMicro: string;
  buyerCostMicro: string;
  executedAt: string;
  status: 'matched' | 'held' | 'committed' | 'unfunded';
  holdTransferId: string | null;
  ledgerEntryHash: string | null;
}

/** One answer of a batch submission. */
export type BatchResultWire =
  | { id: string; status: 'accepted'; order: OrderWire; trades: TradeWire[] }
  | { id: string; status: 'rejected'; code: string; message: string };

/** An area's configuration (wire form), as an operator sends it to `PUT /v1/energy/areas/:id`. */
export interface AreaBody {
  zones: string[];
  intervalMinutes: 5 | 15 | 30 | 60;
  openAheadMinutes: number;
  gateClosureMinutes: number;
  closingCallMinutes: number;
  feedInMicroPerKwh: string;
  retailMicroPerKwh: string;
  mode: 'continuous' | 'call-auction' | 'continuous-then-auction';
  pairs: { from: string; to: string; gridFeeMicroPerKwh: string; transferCapacityWh: string | null }[];
}

export async function submitOrder(client: AmpoolClient, participant: { did: string; key: SigningKey }, order: OrderBody): Promise<{ order: OrderWire; trades: TradeWire[] }> {
  return client.post('/v1/energy/orders', { ...order, participant: participant.did }, signingWith(participant.key));
}

/** Many orders in one signed request (at most 1,000); each answered on its own. */
export async function submitOrders(client: AmpoolClient, participant: { did: string; key: SigningKey }, orders: OrderBody[]): Promise<BatchResultWire[]> {
  return (await client.post<{ results: BatchResultWire[] }>('/v1/energy/orders/batch', { participant: participant.did, orders }, signingWith(participant.key))).results;
}

export async function cancelOrder(client: AmpoolClient, owner: SigningKey, id: string): Promise<OrderWire> {
  return (await client.post<{ order: OrderWire }>(`/v1/energy/orders/${id}/cancel`, {}, signingWith(owner))).order;
}

export async function replaceOrder(client: AmpoolClient, owner: SigningKey, id: string, change: { quantityWh: string; limitPriceMicroPerKwh: string }): Promise<{ order: OrderWire; trades: TradeWire[] }> {
  return client.post(`/v1/energy/orders/${id}/replace`, change, signingWith(owner));
}

export async function myOrders(client: AmpoolClient, owner: SigningKey, query = ''): Promise<{ orders: OrderWire[]; next: string | null }> {
  return client.get(`/v1/energy/orders${query ? `?${query}` : ''}`, signingWith(owner));
}

export async function marketDepth(client: AmpoolClient, zone: string, intervalStart: string) {
  return client.get<{ phase: string; bids: { priceMicroPerKwh: string; openWh: string; orderCount: number }[]; asks: { priceMicroPerKwh: string; openWh: string; orderCount: number }[] }>(
    `/v1/energy/markets/${zone}/${intervalStart}/depth`,
  );
}

export interface MarketFlowsWire {
  area: string;
  zones: string[];
  markets: { intervalStart: string; phase: string; links: { from: string; to: string; capacityWh: string | null; usedWh: string; remainingWh: string | null }[] }[];
}

/** Cross-zone flows of an area against its capacities: one interval, or its open markets. */
export async function marketFlows(client: AmpoolClient, area: string, query: { intervalStart?: string; limit?: number } = {}) {
  const q = new URLSearchParams();
  if (query.intervalStart !== undefined) q.set('intervalStart', query.intervalStart);
  if (query.limit !== undefined) q.set('limit', String(query.limit));
  const text = q.toString();
  return client.get<MarketFlowsWire>(`/v1/energy/areas/${area}/flows${text ? `?${text}` : ''}`);
}

export async function marketStats(client: AmpoolClient, zone: string, intervalStart: string) {
  return client.get<{ phase: string; tradeCount: number; volumeWh: string; lastPriceMicroPerKwh: string | null; clearingPriceMicroPerKwh: string | null }>(
    `/v1/energy/markets/${zone}/${intervalStart}/stats`,
  );
}

export async function configureArea(client: AmpoolClient, operator: Credentials, id: string, area: AreaBody) {
  const res = await client.send('PUT', `/v1/energy/areas/${id}`, area, operator);
  if (res.status !== 200) throw new ApiError(res.status, res.body as ConstructorParameters<typeof ApiError>[1]);
  return res.body as { area: AreaBody & { id: string; version: number } };
}
