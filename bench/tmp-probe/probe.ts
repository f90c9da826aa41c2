import { configureArea, registerDevice, registerParticipant, submitOrders, type AreaBody, type OrderBody } from '@ampool/client';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { startBenchSystem } from '../bench-system';

const ZONES = ['e2e-a', 'e2e-b', 'e2e-c', 'e2e-d'];
const AREA: AreaBody = {
  zones: ZONES, intervalMinutes: 15, openAheadMinutes: 24 * 60, gateClosureMinutes: 0, closingCallMinutes: 0,
  feedInMicroPerKwh: '50000', retailMicroPerKwh: '400000', mode: 'continuous',
  pairs: ZONES.flatMap((from) => ZONES.map((to) => ({ from, to, gridFeeMicroPerKwh: from === to ? '0' : '5000', transferCapacityWh: null }))),
};
async function main() {
  const services = (process.env.SERVICES ?? 'identity,energy-market,settlement,ledger').split(',') as never[];
  const sys = await startBenchSystem(services, (l) => process.stderr.write(l + '\n'), { identity: { AUTO_APPROVE_ROLES: 'household' } });
  try {
    const { client, operator } = sys;
    await configureArea(client, operator, 'e2e', AREA);
    const seller = await registerParticipant(client, 'household', 's');
    const buyer = await registerParticipant(client, 'household', 'b');
    await client.post('/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: '1000000000000' }, operator);
    const dev = (await registerDevice(client, seller, 'pv_inverter', { powerW: 4_000_000_000n, capacityWh: 0n, reserveWh: 0n })).did;
    let first = nextIntervalStartMs(Date.now());
    if (first - Date.now() < 5 * 60_000) first = nextIntervalStartMs(first);
    const intervals = [0, 1, 2].map((i) => new Date(first + i * 900_000).toISOString());
    const rnd = (n: number) => Math.floor(Math.random() * n);
    const make = (side: 'buy' | 'sell', spread: boolean): OrderBody => ({
      id: uuidv7(), side, zone: spread ? ZONES[rnd(4)]! : ZONES[0]!, intervalStart: spread ? intervals[rnd(3)]! : intervals[0]!, quantityWh: '100',
      limitPriceMicroPerKwh: String(side === 'sell' ? 180_000 + rnd(41) * 1_000 : 190_000 + rnd(51) * 1_000), ...(side === 'sell' ? { device: dev } : {}),
    });
    for (const spread of [false, true, false, true]) {
      const times: number[] = [];
      for (let i = 0; i < 12; i++) {
        const side = i % 2 === 0 ? 'sell' : 'buy';
        const t = performance.now();
        await submitOrders(client, side === 'sell' ? seller : buyer, Array.from({ length: 50 }, () => make(side, spread)));
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`spread=${spread} batch-of-50 ms: p50 ${times[6]!.toFixed(0)} min ${times[0]!.toFixed(0)} max ${times[11]!.toFixed(0)}`);
    }
  } finally {
    await sys.stop();
  }
}
void main();
