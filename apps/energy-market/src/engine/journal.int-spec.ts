import { energyJournalSubject, type JournalEntry } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { usePrivateNats } from '@ampool/testing';
import { Journal } from './journal';

const DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

function entry(market: string, batch: number, orderId = uuidv7()): JournalEntry {
  return {
    v: 1, market, batch, at: new Date(),
    commands: [{
      type: 'submit', orderId, participant: DID, zone: 'north', side: 'sell', quantityWh: 100n, limitPriceMicroPerKwh: 200_000n,
      timeInForce: 'GTC', minFillWh: null, device: null, deviceLimitWh: null, requestHash: 'h', holdMicro: 0n,
    }],
  };
}

/** The markets' journal on a real nats-server: one writer per market, repeats stored once. */
describe('the market journal (JetStream)', () => {
  const nats = usePrivateNats();

  async function writer(): Promise<Journal> {
    const journal = new Journal(await nats.connect());
    await journal.onModuleInit();
    return journal;
  }

  it("stores a writer's repeated append once, at the same sequence", async () => {
    const j = await writer();
    const subject = energyJournalSubject('default', 0, uuidv7());
    const e = entry('default|a', 1);
    const first = await j.append(subject, e, 0);
    expect(await j.append(subject, e, 0)).toBe(first);
    expect((await j.read(subject, 0)).map((r) => r.seq)).toEqual([first]);
  });

  it('refuses a second writer of a market that sends the same batch number with other commands', async () => {
    const [a, b] = [await writer(), await writer()];
    const subject = energyJournalSubject('default', 900_000, uuidv7());
    const mine = entry('default|b', 1);
    await a.append(subject, mine, 0);
    // b rebuilt the market before a's batch and sends its own batch 1: it must not be taken for a's.
    await expect(b.append(subject, entry('default|b', 1), 0)).rejects.toThrow(/wrong last sequence/i);
    const stored = await b.read(subject, 0);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.entry.commands[0]).toMatchObject({ orderId: (mine.commands[0] as { orderId: string }).orderId });
  });

  it('refuses an append that does not follow the last one', async () => {
    const j = await writer();
    const subject = energyJournalSubject('default', 1_800_000, uuidv7());
    const s1 = await j.append(subject, entry('default|c', 1), 0);
    await j.append(subject, entry('default|c', 2), s1);
    await expect(j.append(subject, entry('default|c', 3), s1)).rejects.toThrow(/wrong last sequence/i);
  });
});
