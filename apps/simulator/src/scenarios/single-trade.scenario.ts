import { generateKeyPair } from '@ampool/crypto';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import type { z } from 'zod';
import type { accountView, ledgerEntryView, orderView, tradeView } from '@ampool/contracts';
import { GatewayClient, GatewayError } from '../gateway-client/gateway-client';

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
 * The foundation's end-to-end story, through the public API only: two households register,
 * one is funded, one sells 2 kWh for the next delivery interval, the other buys it; the trade
 * is followed until settlement holds the money and the ledger has recorded it.
 */
export async function runSingleTrade(gateway: GatewayClient, say: (line: string) => void, timeoutMs: number): Promise<ScenarioResult> {
  const deadline = Date.now() + timeoutMs;
  await waitForServices(gateway, say, deadline);

  const seller = await register(gateway, 'Roof A (PV + battery)');
  const buyer = await register(gateway, 'Roof B (EV charger)');
  say(`registered household ${short(seller)} (seller) and ${short(buyer)} (buyer)`);

  const deposit = await gateway.post<{ account: Wire<typeof accountView> }>('/v1/deposits', { id: uuidv7(), participant: buyer, amountMicro: DEPOSIT_MICRO });
  say(`deposited ${money(DEPOSIT_MICRO)} for the buyer (available ${money(deposit.account.availableMicro)})`);

  // The next interval, unless its gate closes within a minute: then the one after.
  const now = Date.now();
  let start = nextIntervalStartMs(now);
  if (start - now < 60_000) start = nextIntervalStartMs(start);
  const intervalStart = new Date(start).toISOString();

  const sell = await gateway.post<{ order: Wire<typeof orderView> }>('/v1/energy/orders', {
    id: uuidv7(), participant: seller, side: 'sell', zone: 'demo-north', intervalStart, quantityWh: SELL_WH, limitPriceMicroPerKwh: SELL_PRICE,
  });
  say(`sell order ${short(sell.order.id)}: ${SELL_WH} Wh at ${money(SELL_PRICE)}/kWh for ${intervalStart} (resting)`);

  const buy = await gateway.post<{ order: Wire<typeof orderView>; trades: TradeWire[] }>('/v1/energy/orders', {
    id: uuidv7(), participant: buyer, side: 'buy', zone: 'demo-north', intervalStart, quantityWh: SELL_WH, limitPriceMicroPerKwh: BUY_LIMIT,
  });
  const trade = buy.trades[0];
  if (!trade) throw new Error('the buy order did not match the resting sell order');
  say(`buy order ${short(buy.order.id)} matched: trade ${short(trade.id)}, ${trade.energyWh} Wh at ${money(trade.priceMicroPerKwh)}/kWh = ${money(trade.valueMicro)}`);

  let status = trade.status;
  say(`trade status: ${status}`);
  let current: TradeWire = trade;
  while (status !== 'committed' && status !== 'unfunded') {
    if (Date.now() > deadline) throw new Error(`trade ${trade.id} still ${status} when the scenario timed out`);
    await sleep(100);
    current = (await gateway.get<{ trade: TradeWire }>(`/v1/energy/trades/${trade.id}`)).trade;
    if (current.status !== status) {
      status = current.status;
      say(`trade status: ${status}${status === 'held' ? ` (buyer's money held, transfer ${short(current.holdTransferId ?? '')})` : ''}`);
    }
  }
  if (status === 'committed') {
    const entry = await gateway.get<{ entry: Wire<typeof ledgerEntryView> }>(`/v1/ledger/entries/energy.trade/${trade.id}`);
    say(`ledger entry #${entry.entry.sequence}: sha256 ${entry.entry.payloadHash}`);
    const account = await gateway.get<{ account: Wire<typeof accountView> }>(`/v1/accounts/${buyer}`);
    say(`buyer: ${money(account.account.debitsPendingMicro)} held, ${money(account.account.availableMicro)} available`);
  }
  return { tradeId: trade.id, status, ledgerEntryHash: current.ledgerEntryHash };
}

async function register(gateway: GatewayClient, displayName: string): Promise<string> {
  const { publicKey } = generateKeyPair();
  const res = await gateway.post<{ participant: { did: string } }>('/v1/participants', {
    publicKey: Buffer.from(publicKey).toString('base64url'),
    role: 'household',
    displayName,
  });
  return res.participant.did;
}

async function waitForServices(gateway: GatewayClient, say: (line: string) => void, deadline: number): Promise<void> {
  let reported = false;
  for (;;) {
    try {
      await gateway.get('/health/services');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`services not healthy in time: ${(error as Error).message}`);
      if (!reported && error instanceof GatewayError) {
        say('waiting for every service to report healthy…');
        reported = true;
      }
      await sleep(250);
    }
  }
}

function short(id: string): string {
  return id.startsWith('did:key:') ? `${id.slice(0, 14)}…${id.slice(-4)}` : id.slice(-8);
}

/** µ-currency as a decimal amount, exactly (string arithmetic, no floating point). */
export function money(micro: string): string {
  const negative = micro.startsWith('-');
  const digits = (negative ? micro.slice(1) : micro).padStart(7, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6, -4)}${digits.slice(-4).replace(/0+$/, '')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
