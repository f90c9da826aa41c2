/**
 * One side (bids or asks) of one zone's part of the book: price levels in a binary heap
 * (O(log L) to add a level, O(1) to read the best), each level a FIFO doubly linked list of
 * orders (O(1) append and O(1) unlink). Internal to the engine: prices and quantities here
 * are JS numbers, safe because `matching-bounds.ts` keeps every value below 2^53.
 */

/** Side index used inside the engine: buy = 0, sell = 1. */
export const BUY = 0;
/** Side index used inside the engine: buy = 0, sell = 1. */
export const SELL = 1;

/** A resting order: a node in its price level's FIFO. */
export class RestingOrder {
  id: string;
  ownerId: string;
  zone: number;
  side: number;
  /** Own-perspective limit: delivered price for a buy, energy price for a sell. */
  price: number;
  /** The same limit as the caller gave it, kept so fills report it without a conversion. */
  priceBig: bigint;
  openWh: number;
  filledWh: number;
  seq: number;
  level: PriceLevel | null;
  prev: RestingOrder | null;
  next: RestingOrder | null;

  constructor(
    id: string,
    ownerId: string,
    zone: number,
    side: number,
    price: number,
    priceBig: bigint,
    openWh: number,
    filledWh: number,
    seq: number,
  ) {
    // Every field is assigned here, in one order, so all orders share one hidden class.
    this.id = id;
    this.ownerId = ownerId;
    this.zone = zone;
    this.side = side;
    this.price = price;
    this.priceBig = priceBig;
    this.openWh = openWh;
    this.filledWh = filledWh;
    this.seq = seq;
    this.level = null;
    this.prev = null;
    this.next = null;
  }
}

/** All resting orders of one zone and side at one price, oldest first. */
export class PriceLevel {
  readonly price: number;
  /** Heap key, lower is better: the price for asks, minus the price for bids. */
  readonly key: number;
  head: RestingOrder | null = null;
  tail: RestingOrder | null = null;
  openWh = 0;
  orderCount = 0;

  constructor(price: number, key: number) {
    this.price = price;
    this.key = key;
  }
}

// Shared scratch stack for the heap walk in `crossingLiquidity`; the engine is single-threaded
// and the walk never re-enters, so one array serves every book without per-call allocation.
const walkStack: number[] = [];

/**
 * Price levels of one side of one zone.
 *
 * Empty levels are removed lazily: cancelling the last order of a level must stay O(1), and
 * taking a level out of the middle of a heap is O(log L). An empty level stays in the map
 * and the heap until it reaches the top (then it is popped) or until empty levels outnumber
 * live ones (then the heap is rebuilt in O(L), amortised O(1) per emptied level). Keeping it
 * in the map also means a price that empties and refills does not touch the heap at all.
 */
export class BookSide {
  readonly isBid: boolean;
  readonly levels = new Map<number, PriceLevel>();
  private heap: PriceLevel[] = [];
  private emptyLevels = 0;

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  /** The best non-empty level, or null. Pops empty levels it finds on top. */
  top(): PriceLevel | null {
    const heap = this.heap;
    while (heap.length > 0) {
      const level = heap[0] as PriceLevel;
      if (level.orderCount > 0) return level;
      this.popTop();
      this.levels.delete(level.price);
      this.emptyLevels--;
    }
    return null;
  }

  /** Append an order at the back of its price level's queue. */
  append(order: RestingOrder): void {
    let level = this.levels.get(order.price);
    if (level === undefined) {
      level = new PriceLevel(order.price, this.isBid ? -order.price : order.price);
      this.levels.set(order.price, level);
      this.push(level);
    } else if (level.orderCount === 0) {
      this.emptyLevels--;
    }
    const tail = level.tail;
    order.level = level;
    order.prev = tail;
    order.next = null;
    if (tail === null) level.head = order;
    else tail.next = order;
    level.tail = order;
    level.openWh += order.openWh;
    level.orderCount++;
  }

  /** Take an order out of its level; its open quantity leaves the level's total. */
  unlink(order: RestingOrder): void {
    const level = order.level as PriceLevel;
    const prev = order.prev;
    const next = order.next;
    if (prev === null) level.head = next;
    else prev.next = next;
    if (next === null) level.tail = prev;
    else next.prev = prev;
    order.prev = null;
    order.next = null;
    order.level = null;
    level.openWh -= order.openWh;
    if (--level.orderCount === 0) {
      this.emptyLevels++;
      if (this.emptyLevels > 64 && this.emptyLevels * 2 > this.levels.size) this.compact();
    }
  }

  /**
   * Open quantity of orders not owned by `ownerId` at levels with key <= `keyLimit`, capped
   * at `want` (the walk stops as soon as it has enough). Visits only crossing levels and their
   * heap children: a heap's subtree never beats its root, so a non-crossing node prunes it.
   */
  crossingLiquidity(keyLimit: number, ownerId: string, want: number): number {
    const heap = this.heap;
    const size = heap.length;
    if (size === 0) return 0;
    let total = 0;
    walkStack.length = 0;
    walkStack.push(0);
    while (walkStack.length > 0) {
      const i = walkStack.pop() as number;
      const level = heap[i] as PriceLevel;
      if (level.key > keyLimit) continue;
      for (let order = level.head; order !== null; order = order.next) {
        if (order.ownerId === ownerId) continue;
        total += order.openWh;
        if (total >= want) return want;
      }
      const left = 2 * i + 1;
      if (left < size) walkStack.push(left);
      if (left + 1 < size) walkStack.push(left + 1);
    }
    return total;
  }

  /** Non-empty levels, best first. O(L log L); for auctions, snapshots and depth, not the hot path. */
  sortedLevels(): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (const level of this.levels.values()) if (level.orderCount > 0) out.push(level);
    out.sort((a, b) => a.key - b.key);
    return out;
  }

  /** Drop every level. */
  clear(): void {
    this.levels.clear();
    this.heap = [];
    this.emptyLevels = 0;
  }

  private compact(): void {
    const kept: PriceLevel[] = [];
    for (const level of this.heap) {
      if (level.orderCount > 0) kept.push(level);
      else this.levels.delete(level.price);
    }
    this.emptyLevels = 0;
    this.heap = kept;
    for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private push(level: PriceLevel): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(level);
    const key = level.key;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as PriceLevel;
      if (p.key <= key) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = level;
  }

  private popTop(): void {
    const heap = this.heap;
    const last = heap.pop() as PriceLevel;
    if (heap.length === 0) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const size = heap.length;
    const item = heap[start] as PriceLevel;
    const key = item.key;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      let c = heap[child] as PriceLevel;
      const right = child + 1;
      if (right < size) {
        const r = heap[right] as PriceLevel;
        if (r.key < c.key) {
          child = right;
          c = r;
        }
      }
      if (c.key >= key) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = item;
  }
}
