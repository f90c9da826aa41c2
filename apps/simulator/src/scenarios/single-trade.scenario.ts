import type { z } from 'zod';
import type { accountView, ledgerEntryView, orderView, tradeView } from '@ampool/contracts';
import { AmpoolClient, ApiError, configureArea, loginOperator, registerDevice, registerParticipant, signingWith, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { money, short } from '../support/money';

type Wire<S extends z.ZodType> = z.input<S>;
type TradeWire = Wire<typeof tradeView>;

export interface ScenarioResult {
  tradeId: string;
  status: string;
  ledgerEntryHash: string | null;
}

const SELL_WH = '2000';
const SELL_PRICE = '200000'; // 0.20 per kWh
const BUY_LIMIT = '250000'; // 0.25 per kWh
const DEPOSIT_MICRO = '5000000'; // 5.00

/**
 * The end-to-end story, through the public API only, as real clients would do it: an
 * operator logs in; two households register with their own keys (proving possession with a
 * challenge) and are approved; the operator configures the demo area (two feeders, the
 * utility's tariffs as the price band, grid fees and a transfer limit between them); the
 * seller binds its home battery; the buyer is funded; one sells 2 kWh from the battery for
 * the next delivery interval and the other buys it (settlement holds the buy order's most
 * possible cost first), each with signed requests; the trade is followed until settlement
 * holds the money and the ledger has recorded it.
 */
export async function runSingleTrade(
  client: AmpoolClient,
  operatorLogin: { email: string; password: string },
  say: (line: string) => void,
  timeoutMs: number,
): Promise<ScenarioResult> {
  const deadline = Date.now() + timeoutMs;
  await waitForServices(client, say, deadline);
  const operator = await loginOperator(client, operatorLogin.email, operatorLogin.password);
  say(`operator ${operatorLogin.email} logged in`);

  const seller = await household(client, operator, 'Roof A (PV + battery)');
  const buyer = await household(client, operator, 'Roof B (EV charger)');
  say(`households ${short(seller.did)} (seller) and ${short(buyer.did)} (buyer) registered and approved`);

  const { area } = await configureArea(client, operator, 'demo', {
    zones: ['demo-north', 'demo-south'], intervalMinutes: 15, openAheadMinutes: 48 * 60, gateClosureMinutes: 0, closingCallMinutes: 0,
    feedInMicroPerKwh: '80000', retailMicroPerKwh: '320000', mode: 'continuous',
    pairs: [
      { from: 'demo-north', to: 'demo-north', gridFeeMicroPerKwh: '0', transferCapacityWh: null },
      { from: 'demo-south', to: 'demo-south', gridFeeMicroPerKwh: '0', transferCapacityWh: null },
      { from: 'demo-north', to: 'demo-south', gridFeeMicroPerKwh: '15000', transferCapacityWh: '50000' },
      { from: 'demo-south', to: 'demo-north', gridFeeMicroPerKwh: '15000', transferCapacityWh: '50000' },
    ],
  });
  say(`area ${area.id} (version ${area.version}): zones ${area.zones.join(', ')}, prices ${money(area.feedInMicroPerKwh)}–${money(area.retailMicroPerKwh)}/kWh`);
  const battery = await registerDevice(client, seller, 'battery', { powerW: 10_000n, capacityWh: 13_500n, reserveWh: 1_350n });
  say(`the seller bound its battery ${short(battery.did)} (10 kW, 13.5 kWh: up to 2.5 kWh per 15 minutes)`);

  const deposit = await client.post<{ account: Wire<typeof accountView> }>('/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: DEPOSIT_MICRO }, operator);
  say(`deposited ${money(DEPOSIT_MICRO)} for the buyer (available ${money(deposit.account.availableMicro)})`);

  // The next interval, unless its gate closes within a minute: then the one after.
  const now = Date.now();
  let start = nextIntervalStartMs(now);
  if (start - now < 60_000) start = nextIntervalStartMs(start);
  const intervalStart = new Date(start).toISOString();

  const sell = await client.post<{ order: Wire<typeof orderView> }>(
    '/v1/energy/orders',
    { id: uuidv7(), participant: seller.did, side: 'sell', zone: 'demo-north', intervalStart, quantityWh: SELL_WH, limitPriceMicroPerKwh: SELL_PRICE, device: battery.did },
    signingWith(seller.key),
  );
  say(`sell order ${short(sell.order.id)}: ${SELL_WH} Wh at ${money(SELL_PRICE)}/kWh for ${intervalStart} (resting; signed by the seller)`);

  const buy = await client.post<{ order: Wire<typeof orderView>; trades: TradeWire[] }>(
    '/v1/energy/orders',
    { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'demo-north', intervalStart, quantityWh: SELL_WH, limitPriceMicroPerKwh: BUY_LIMIT },
    signingWith(buyer.key),
  );
  const trade = buy.trades[0];
  if (!trade) throw new Error('the buy order did not match the resting sell order');
  say(`buy order ${short(buy.order.id)} matched: trade ${short(trade.id)}, ${trade.energyWh} Wh at ${money(trade.priceMicroPerKwh)}/kWh = ${money(trade.valueMicro)}`);

  let status = trade.status;
  say(`trade status: ${status}`);
  let current: TradeWire = trade;
  while (status !== 'committed' && status !== 'unfunded') {
    if (Date.now() > deadline) throw new Error(`trade ${trade.id} still ${status} when the scenario timed out`);
    await sleep(100);
    current = (await client.get<{ trade: TradeWire }>(`/v1/energy/trades/${trade.id}`, signingWith(buyer.key))).trade;
    if (current.status !== status) {
      status = current.status;
      say(`trade status: ${status}${status === 'held' ? ` (buyer's money held, transfer ${short(current.holdTransferId ?? '')})` : ''}`);
    }
  }
  if (status === 'committed') {
    const entry = await client.get<{ entry: Wire<typeof ledgerEntryView> }>(`/v1/ledger/entries/energy.trade/${trade.id}`, signingWith(buyer.key));
    say(`ledger entry at log index ${entry.entry.sequence} (leaves count from 0): sha256 ${entry.entry.payloadHash}`);
    const account = await client.get<{ account: Wire<typeof accountView> }>(`/v1/accounts/${buyer.did}`, signingWith(buyer.key));
    say(`buyer: ${money(account.account.debitsPendingMicro)} held, ${money(account.account.availableMicro)} available`);
  }
  return { tradeId: trade.id, status, ledgerEntryHash: current.ledgerEntryHash };
}

async function household(client: AmpoolClient, operator: Credentials, name: string): Promise<RegisteredParticipant> {
  const p = await registerParticipant(client, 'household', name);
  if (p.status === 'pending') await client.post(`/v1/participants/${p.did}/approve`, { reason: 'demo household' }, operator);
  return p;
}

async function waitForServices(client: AmpoolClient, say: (line: string) => void, deadline: number): Promise<void> {
  let reported = false;
  for (;;) {
    try {
      await client.get('/health/services');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`services not healthy in time: ${(error as Error).message}`);
      if (!reported && error instanceof ApiError) {
        say('waiting for every service to report healthy…');
        reported = true;
      }
      await sleep(250);
    }
  }
}



function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
