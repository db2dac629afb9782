import { describe, expect, it } from 'vitest';
import { bidPrice, entryThreshold } from '../../src/market/auction.js';
import type { AuctionTerms } from '../../src/market/auction.js';

/**
 * The bid rule against auction theory: the closed form of the uniform case, revenue equivalence,
 * the bid as a best response to rivals who use it, the entry threshold as the cost where the
 * expected margin just covers the cost of bidding, and a monopolist asking the reserve.
 */

const BLOCK_HOURS = 250_000 * 4 * 8766;

function terms(overrides: Partial<AuctionTerms> = {}): AuctionTerms {
  return { low: 1.6, high: 2.4, reserve: 3, rivals: 2, matchers: 0, hours: BLOCK_HOURS, bidCostUsd: 0, ...overrides };
}

/** Gauss-Legendre on [a, b] with many panels: an independent integrator for expectations. */
function integrate(f: (x: number) => number, a: number, b: number, panels = 400): number {
  const nodes = [-0.906179845938664, -0.538469310105683, 0, 0.538469310105683, 0.906179845938664];
  const weights = [0.236926885056189, 0.478628670499366, 0.568888888888889, 0.478628670499366, 0.236926885056189];
  const h = (b - a) / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const mid = a + (p + 0.5) * h;
    for (let k = 0; k < 5; k++) sum += weights[k]! * f(mid + (nodes[k]! * h) / 2);
  }
  return (sum * h) / 2;
}

describe('the bid rule of a first-price procurement auction', () => {
  it('with free entry and a reserve above every cost, bids c + (high - c) / N, the textbook uniform equilibrium', () => {
    for (const bidders of [2, 3, 4, 6]) {
      const t = terms({ rivals: bidders - 1, reserve: 5 });
      const threshold = entryThreshold(t);
      expect(threshold).toBe(5);
      for (const cost of [1.6, 1.75, 2.0, 2.3]) expect(bidPrice(cost, t, threshold)).toBeCloseTo(cost + (2.4 - cost) / bidders, 12);
    }
  });

  it('its expected price is the expected second-lowest cost (revenue equivalence), and falls with each bidder by less each time', () => {
    // Costs uniform on [low, high]: E[second lowest of N] = low + 2 (high - low) / (N + 1).
    const prices: number[] = [];
    for (let bidders = 2; bidders <= 6; bidders++) {
      const t = terms({ rivals: bidders - 1, reserve: 5 });
      const threshold = entryThreshold(t);
      // The lowest cost has density N (1 - F)^(N-1) f, and the winner pays its own bid.
      const density = (x: number): number => (bidders * Math.pow((2.4 - x) / 0.8, bidders - 1)) / 0.8;
      const price = integrate((x) => density(x) * bidPrice(x, t, threshold), 1.6, 2.4);
      expect(price).toBeCloseTo(1.6 + (2 * 0.8) / (bidders + 1), 9);
      prices.push(price);
    }
    for (let i = 1; i < prices.length; i++) expect(prices[i]!).toBeLessThan(prices[i - 1]!);
    for (let i = 2; i < prices.length; i++) expect(prices[i - 1]! - prices[i]!).toBeLessThan(prices[i - 2]! - prices[i - 1]!);
  });

  it('is a best response: against rivals who bid by it, no other bid earns more', () => {
    const t = terms({ rivals: 2, reserve: 2.8, bidCostUsd: 50 * 250_000 });
    const threshold = entryThreshold(t);
    const rivalBid = (c: number): number => bidPrice(c, t, threshold);
    // A rival bids below b when its cost is below the cost whose bid is b (bids rise with cost), and enters.
    const costBidding = (b: number): number => {
      let lo = 1.6;
      let hi = threshold;
      if (b <= rivalBid(lo)) return lo;
      if (b >= rivalBid(hi)) return hi;
      for (let i = 0; i < 100; i++) {
        const mid = (lo + hi) / 2;
        if (rivalBid(mid) < b) lo = mid;
        else hi = mid;
      }
      return lo;
    };
    const survive = (c: number): number => Math.min(1, Math.max(0, (2.4 - c) / 0.8));
    const profit = (cost: number, b: number): number => {
      // Rivals above the threshold never bid; one at or below beats b when its cost is below the cost bidding b.
      const beaten = b >= rivalBid(threshold) ? 1 - survive(threshold) : 1 - survive(costBidding(b));
      return (b - cost) * Math.pow(1 - beaten, t.rivals);
    };
    for (const cost of [1.65, 1.9, 2.1, 2.25]) {
      const best = bidPrice(cost, t, threshold);
      const atBest = profit(cost, best);
      for (const delta of [-0.05, -0.01, -0.002, 0.002, 0.01, 0.05]) expect(profit(cost, best + delta)).toBeLessThanOrEqual(atBest * (1 + 1e-9));
    }
  });

  it('a bidder enters up to the cost where its expected margin over the block just pays for bidding', () => {
    const t = terms({ rivals: 3, reserve: 2.6, bidCostUsd: 100 * 250_000 });
    const threshold = entryThreshold(t);
    expect(threshold).toBeGreaterThan(1.6);
    expect(threshold).toBeLessThan(2.4);
    // At the threshold it wins only when no rival enters, and then asks the reserve.
    const noRival = Math.pow((2.4 - threshold) / 0.8, t.rivals);
    expect((bidPrice(threshold, t, threshold) - threshold) * noRival * t.hours).toBeCloseTo(t.bidCostUsd, 3);
    expect(bidPrice(threshold, t, threshold)).toBeCloseTo(2.6, 9);
    // A dearer bid costs more entrants: the threshold falls as the cost of bidding rises.
    expect(entryThreshold({ ...t, bidCostUsd: 400 * 250_000 })).toBeLessThan(threshold);
    // Only the cost per hour of the block matters, not its size.
    expect(entryThreshold({ ...t, bidCostUsd: t.bidCostUsd * 2, hours: t.hours * 2 })).toBeCloseTo(threshold, 12);
  });

  it('alone, a bidder asks the reserve (a monopoly takes the buyer\'s outside option) if that covers its cost and the bid', () => {
    const t = terms({ rivals: 0, reserve: 8, bidCostUsd: 50 * 250_000 });
    const threshold = entryThreshold(t);
    expect(threshold).toBeCloseTo(8 - t.bidCostUsd / t.hours, 12);
    for (const cost of [0.5, 1.6, 4, 7.9]) expect(bidPrice(cost, t, threshold)).toBe(8);
  });

  it('an incumbent that may match takes the rivals\' chances: fewer rivals enter than in an open tender', () => {
    const open = terms({ rivals: 2, matchers: 0, reserve: 2.6, bidCostUsd: 50 * 250_000 });
    // The same three providers, one of them holding a right of first refusal: two rivals, one matcher.
    const matched = terms({ rivals: 1, matchers: 1, reserve: 2.6, bidCostUsd: 50 * 250_000 });
    expect(entryThreshold(matched)).toBeLessThan(entryThreshold(open));
  });

  it('never bids above the reserve, nor below its cost', () => {
    for (const reserve of [1.7, 2.0, 2.4, 3, 10]) {
      for (const rivals of [0, 1, 4]) {
        for (const matchers of [0, 1]) {
          const t = terms({ reserve, rivals, matchers, bidCostUsd: 20 * 250_000 });
          const threshold = entryThreshold(t);
          for (const cost of [1.2, 1.6, 1.9, 2.3, 2.6]) {
            if (!(cost <= threshold)) continue;
            const bid = bidPrice(cost, t, threshold);
            expect(bid).toBeLessThanOrEqual(reserve);
            expect(bid).toBeGreaterThanOrEqual(cost);
          }
        }
      }
    }
  });
});
