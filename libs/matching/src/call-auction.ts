/**
 * Uniform-price call auction: the clearing-price search. Pure and numeric (see
 * `matching-bounds.ts` for why JS numbers are exact here); the book turns its levels into
 * the sorted curves this takes and allocates the volume afterwards.
 *
 * Demand D(p) is the volume of buys whose limit (net of the grid fee) is at least p, supply
 * S(p) the volume of sells whose limit is at most p, the executable volume V(p) = min(D, S).
 * Among every integer price p in the band the clearing price is chosen by, in order:
 *
 * 1. the largest V(p); if that is 0 there is no clearing price;
 * 2. the smallest surplus |D(p) - S(p)|;
 * 3. market pressure: if every price left has excess demand (D > S) the highest, if every
 *    price left has excess supply (D < S) the lowest;
 * 4. the price closest to the reference price;
 * 5. the lowest price.
 *
 * D and S only change at order prices, so the band splits into at most 2k + 1 segments
 * (each order price, and each gap between neighbouring order prices) on which both are
 * constant; the search scores segments instead of prices, in O(k) after the curves are
 * sorted.
 */

/** The clearing price and the curves' values there. */
export interface ClearingOutcome {
  readonly price: number;
  readonly volume: number;
  readonly demand: number;
  readonly supply: number;
}

/**
 * Find the clearing price.
 *
 * @param bidPrices buy limits net of the grid fee, sorted descending (duplicates allowed)
 * @param bidVolumes open volume at each bid price
 * @param askPrices sell limits, sorted ascending (duplicates allowed)
 * @param askVolumes open volume at each ask price
 * @param minPrice lowest price the auction may clear at (the band's floor)
 * @param maxPrice highest price the auction may clear at (the band's ceiling)
 * @param referencePrice price the tie-break of rule 4 measures distance from
 * @returns the outcome, or null when nothing crosses inside the band
 */
export function findClearingPrice(
  bidPrices: ArrayLike<number>,
  bidVolumes: ArrayLike<number>,
  askPrices: ArrayLike<number>,
  askVolumes: ArrayLike<number>,
  minPrice: number,
  maxPrice: number,
  referencePrice: number,
): ClearingOutcome | null {
  const bidCount = bidPrices.length;
  const askCount = askPrices.length;
  if (bidCount === 0 || askCount === 0 || minPrice > maxPrice) return null;

  let totalDemand = 0;
  for (let i = 0; i < bidCount; i++) totalDemand += bidVolumes[i] as number;

  // Segments [lo, hi] with constant demand and supply, in ascending price order.
  const capacity = 2 * (bidCount + askCount) + 1;
  const segLo = new Float64Array(capacity);
  const segHi = new Float64Array(capacity);
  const segDemand = new Float64Array(capacity);
  const segSupply = new Float64Array(capacity);
  let segments = 0;

  let bidCursor = bidCount - 1; // walks the descending bid array from its low end
  let demandBelow = 0; // volume of bids whose price is below the current segment
  let askCursor = 0;
  let supply = 0;

  const addSegment = (lo: number, hi: number): void => {
    while (bidCursor >= 0 && (bidPrices[bidCursor] as number) < lo) {
      demandBelow += bidVolumes[bidCursor] as number;
      bidCursor--;
    }
    while (askCursor < askCount && (askPrices[askCursor] as number) <= lo) {
      supply += askVolumes[askCursor] as number;
      askCursor++;
    }
    segLo[segments] = lo;
    segHi[segments] = hi;
    segDemand[segments] = totalDemand - demandBelow;
    segSupply[segments] = supply;
    segments++;
  };

  // Merge the two price lists into ascending distinct points inside the band.
  let cursor = minPrice;
  let b = bidCount - 1;
  let a = 0;
  while (b >= 0 || a < askCount) {
    let point: number;
    const bidPoint = b >= 0 ? (bidPrices[b] as number) : Infinity;
    const askPoint = a < askCount ? (askPrices[a] as number) : Infinity;
    if (bidPoint <= askPoint) {
      point = bidPoint;
      b--;
    } else {
      point = askPoint;
      a++;
    }
    if (point < cursor || point > maxPrice) continue; // below the band, or a duplicate
    if (cursor < point) addSegment(cursor, point - 1);
    addSegment(point, point);
    cursor = point + 1;
  }
  if (cursor <= maxPrice) addSegment(cursor, maxPrice);

  // Rules 1 and 2.
  let bestVolume = 0;
  for (let s = 0; s < segments; s++) {
    const v = Math.min(segDemand[s] as number, segSupply[s] as number);
    if (v > bestVolume) bestVolume = v;
  }
  if (bestVolume === 0) return null;
  let bestSurplus = Infinity;
  for (let s = 0; s < segments; s++) {
    const d = segDemand[s] as number;
    const sup = segSupply[s] as number;
    if (Math.min(d, sup) !== bestVolume) continue;
    const surplus = Math.abs(d - sup);
    if (surplus < bestSurplus) bestSurplus = surplus;
  }

  // Rule 3: with a non-zero surplus every remaining segment is on one side or the other.
  let anyExcessDemand = false;
  let anyExcessSupply = false;
  const isCandidate = (s: number): boolean => {
    const d = segDemand[s] as number;
    const sup = segSupply[s] as number;
    return Math.min(d, sup) === bestVolume && Math.abs(d - sup) === bestSurplus;
  };
  for (let s = 0; s < segments; s++) {
    if (!isCandidate(s)) continue;
    const excess = (segDemand[s] as number) - (segSupply[s] as number);
    if (excess > 0) anyExcessDemand = true;
    else if (excess < 0) anyExcessSupply = true;
  }

  let chosen = -1;
  let price = 0;
  if (anyExcessDemand && !anyExcessSupply) {
    for (let s = segments - 1; s >= 0; s--) {
      if (isCandidate(s)) {
        chosen = s;
        price = segHi[s] as number;
        break;
      }
    }
  } else if (anyExcessSupply && !anyExcessDemand) {
    for (let s = 0; s < segments; s++) {
      if (isCandidate(s)) {
        chosen = s;
        price = segLo[s] as number;
        break;
      }
    }
  } else {
    // Rules 4 and 5. Segments ascend, so a strict comparison keeps the lowest on a tie.
    let bestDistance = Infinity;
    for (let s = 0; s < segments; s++) {
      if (!isCandidate(s)) continue;
      const lo = segLo[s] as number;
      const hi = segHi[s] as number;
      const nearest = referencePrice < lo ? lo : referencePrice > hi ? hi : referencePrice;
      const distance = Math.abs(nearest - referencePrice);
      if (distance < bestDistance) {
        bestDistance = distance;
        chosen = s;
        price = nearest;
      }
    }
  }
  return {
    price,
    volume: bestVolume,
    demand: segDemand[chosen] as number,
    supply: segSupply[chosen] as number,
  };
}
