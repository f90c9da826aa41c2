import { MAX_ORDER_HOLDS_PER_REQUEST } from '@ampool/contracts';

/** One order's hold as settlement's `OrderHoldPlace` takes it. */
export interface HoldRequest {
  orderId: string;
  payer: string;
  amountMicro: bigint;
}

interface Waiting<R> {
  holds: HoldRequest[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Puts the holds of concurrent order submissions into shared `OrderHoldPlace` requests.
 * Settlement places every hold of a request in one transaction, and every such transaction
 * locks the one escrow account: with one request per order, single orders queued on that row
 * lock and paid a commit each. Here a request goes out at once when fewer than
 * `maxInFlight` are outstanding; holds arriving meanwhile wait and leave together in the
 * next one (up to the contract's maximum), so the commits per second stay few while each
 * caller still gets exactly its own results, in its own order, or its request's error.
 * Large calls (batch submissions) are one transaction already and keep their own request.
 */
export class HoldCoalescer<R> {
  private readonly waiting: Waiting<R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly send: (holds: HoldRequest[]) => Promise<R[]>,
    private readonly maxInFlight = 2,
    private readonly maxPerRequest = MAX_ORDER_HOLDS_PER_REQUEST,
    /** Calls with this many holds already share one transaction: they go out on their own, at once. */
    private readonly ownRequestFrom = 64,
  ) {}

  /** The results for `holds` (at most `maxPerRequest`), in the same order. */
  place(holds: HoldRequest[]): Promise<R[]> {
    if (holds.length === 0) return Promise.resolve([]);
    if (holds.length > this.maxPerRequest) return Promise.reject(new RangeError(`at most ${this.maxPerRequest} holds per call`));
    if (holds.length >= this.ownRequestFrom) {
      return this.send(holds).then((results) => {
        if (results.length !== holds.length) throw new Error('settlement answered a different number of holds than it was asked for');
        return results;
      });
    }
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.push({ holds, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const group: Waiting<R>[] = [];
      let count = 0;
      while (this.waiting.length > 0 && count + this.waiting[0]!.holds.length <= this.maxPerRequest) {
        const w = this.waiting.shift()!;
        group.push(w);
        count += w.holds.length;
      }
      this.inFlight++;
      void this.sendGroup(group).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async sendGroup(group: Waiting<R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.send(group.flatMap((w) => w.holds));
      if (results.length !== group.reduce((n, w) => n + w.holds.length, 0)) throw new Error('settlement answered a different number of holds than it was asked for');
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    let at = 0;
    for (const w of group) {
      w.resolve(results.slice(at, at + w.holds.length));
      at += w.holds.length;
    }
  }
}
