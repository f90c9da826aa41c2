import { HoldCoalescer, type HoldRequest } from './hold-coalescer';

const hold = (n: number, payer = 'did:key:p'): HoldRequest => ({ orderId: `o${n}`, payer, amountMicro: BigInt(n) });

/** A settlement stand-in whose answers the test releases by hand, recording each request. */
function gatedSettlement() {
  const requests: HoldRequest[][] = [];
  const gates: { release: () => void; fail: (e: Error) => void }[] = [];
  const send = (holds: HoldRequest[]) =>
    new Promise<string[]>((resolve, reject) => {
      requests.push(holds);
      gates.push({ release: () => resolve(holds.map((h) => `held ${h.orderId} for ${h.payer}`)), fail: reject });
    });
  return { requests, gates, send };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('HoldCoalescer', () => {
  it('sends at once when nothing is outstanding, and puts holds arriving meanwhile into one shared request', async () => {
    const s = gatedSettlement();
    const c = new HoldCoalescer(s.send, 1);
    const first = c.place([hold(1)]);
    await tick();
    expect(s.requests).toEqual([[hold(1)]]);
    const a = c.place([hold(2, 'did:key:a'), hold(3, 'did:key:a')]);
    const b = c.place([hold(4, 'did:key:b')]);
    await tick();
    expect(s.requests).toHaveLength(1);
    s.gates[0]!.release();
    expect(await first).toEqual(['held o1 for did:key:p']);
    await tick();
    expect(s.requests[1]).toEqual([hold(2, 'did:key:a'), hold(3, 'did:key:a'), hold(4, 'did:key:b')]);
    s.gates[1]!.release();
    // Each caller gets exactly its own results, in its own order.
    expect(await a).toEqual(['held o2 for did:key:a', 'held o3 for did:key:a']);
    expect(await b).toEqual(['held o4 for did:key:b']);
  });

  it('fails only the callers whose shared request failed', async () => {
    const s = gatedSettlement();
    const c = new HoldCoalescer(s.send, 1);
    const first = c.place([hold(1)]);
    const second = c.place([hold(2)]);
    const third = c.place([hold(3)]);
    await tick();
    s.gates[0]!.fail(new Error('settlement did not answer'));
    await expect(first).rejects.toThrow('settlement did not answer');
    await tick();
    expect(s.requests[1]).toEqual([hold(2), hold(3)]);
    s.gates[1]!.release();
    expect(await second).toEqual(['held o2 for did:key:p']);
    expect(await third).toEqual(['held o3 for did:key:p']);
  });

  it('never puts more holds in one request than the contract allows, nor splits a caller', async () => {
    const s = gatedSettlement();
    const c = new HoldCoalescer(s.send, 1, 3, 10);
    const blocker = c.place([hold(0)]);
    const waiting = [c.place([hold(1), hold(2)]), c.place([hold(3), hold(4)]), c.place([hold(5)])];
    await tick();
    s.gates[0]!.release();
    await blocker;
    await tick();
    expect(s.requests[1]).toEqual([hold(1), hold(2)]);
    s.gates[1]!.release();
    await tick();
    await tick();
    expect(s.requests[2]).toEqual([hold(3), hold(4), hold(5)]);
    s.gates[2]!.release();
    expect(await Promise.all(waiting)).toEqual([['held o1 for did:key:p', 'held o2 for did:key:p'], ['held o3 for did:key:p', 'held o4 for did:key:p'], ['held o5 for did:key:p']]);
    await expect(c.place([hold(6), hold(7), hold(8), hold(9)])).rejects.toThrow(RangeError);
  });

  it('sends a large call on its own at once, even while the shared requests are all outstanding', async () => {
    const s = gatedSettlement();
    const c = new HoldCoalescer(s.send, 1, 100, 3);
    const small = c.place([hold(1)]);
    const large = c.place([hold(2), hold(3), hold(4)]);
    await tick();
    expect(s.requests).toEqual([[hold(1)], [hold(2), hold(3), hold(4)]]);
    s.gates[1]!.release();
    expect(await large).toEqual(['held o2 for did:key:p', 'held o3 for did:key:p', 'held o4 for did:key:p']);
    s.gates[0]!.release();
    expect(await small).toEqual(['held o1 for did:key:p']);
  });

  it('refuses a settlement answer with a different number of results', async () => {
    const c = new HoldCoalescer(async (holds: HoldRequest[]) => holds.slice(1).map(() => 'held'), 2, 100, 3);
    await expect(c.place([hold(1), hold(2)])).rejects.toThrow('different number');
    await expect(c.place([hold(1), hold(2), hold(3)])).rejects.toThrow('different number');
  });
});
