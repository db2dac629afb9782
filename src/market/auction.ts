import * as libm from '../kernel/libm.js';

/**
 * The bid rule of a sealed-bid, first-price procurement auction with private costs, entry costs and
 * a reserve price: how a provider prices a block it tenders for.
 *
 * The symmetric independent-private-cost model: every bidder knows its own cost of serving the block
 * and believes each rival's cost uniform on [low, high]; the lowest bid wins and is paid; the lab
 * takes no bid above its reserve. A rival decides whether to bid at all: preparing a bid costs money,
 * so it bids only when its expected margin covers that cost (Samuelson, "Competitive bidding with
 * entry costs", Economics Letters 17, 1985), which makes entry a cost threshold. The equilibrium bid of
 * a bidder with cost c is c plus the expected margin the envelope theorem gives (Riley and Samuelson,
 * "Optimal auctions", AER 71, 1981; Krishna, Auction Theory, ch. 2):
 *
 *   b(c) = c + ∫_c^R H(x) dx / H(c),   H(x) = S(min(x, c*))^n · S(x)^a,   S(x) = P(a rival's cost > x)
 *
 * with n rivals who choose whether to enter, entry threshold c*, reserve R, and a = 1 when an
 * incumbent holding a right of first refusal sits beside the rivals: it matches any bid above its
 * cost, so a rival wins only where the incumbent's cost is above its own, whether or not anyone
 * enters. The threshold c* is where the expected profit of the highest-cost entrant, ∫_c*^R H, times
 * the block's hours, equals the cost of bidding. Alone (n = 0, a = 0), a bidder asks the reserve:
 * a monopoly takes the buyer's outside option.
 */

/** What every bidder in one tender believes, and the terms they bid on. */
export interface AuctionTerms {
  /** Rivals' costs are believed uniform on [low, high], USD per H100e-hour. */
  low: number;
  high: number;
  /** The most the lab accepts, USD per H100e-hour: its outside option. */
  reserve: number;
  /** Rivals besides the bidder who decide whether to enter. */
  rivals: number;
  /** 1 when an incumbent who may match any bid above its cost sits beside the rivals, else 0. */
  matchers: number;
  /** H100e-hours of the block over its term: a margin per H100e-hour times this is the profit. */
  hours: number;
  /** What preparing a bid costs, USD. */
  bidCostUsd: number;
}

/** The highest cost at which a bidder enters (expected margin covers the bid cost): a bidder with a higher cost does not bid. */
export function entryThreshold(terms: AuctionTerms): number {
  // A round's blocks are tendered under the same terms, often: the last answer is kept.
  const last = lastThreshold;
  if (
    last.terms !== undefined &&
    last.terms.low === terms.low &&
    last.terms.high === terms.high &&
    last.terms.reserve === terms.reserve &&
    last.terms.rivals === terms.rivals &&
    last.terms.matchers === terms.matchers &&
    last.terms.bidCostUsd * terms.hours === terms.bidCostUsd * last.terms.hours
  ) {
    return last.threshold;
  }
  const threshold = solveThreshold(terms);
  lastThreshold = { terms: { ...terms }, threshold };
  return threshold;
}

// The cost per hour of bidding is what matters, so terms that differ only in the block's size (the
// bid cost and the hours both scale with it) have the same threshold.
let lastThreshold: { terms: AuctionTerms | undefined; threshold: number } = { terms: undefined, threshold: NaN };

function solveThreshold(terms: AuctionTerms): number {
  const { reserve, rivals: n, matchers: a } = terms;
  const perHour = terms.hours > 0 ? terms.bidCostUsd / terms.hours : Infinity;
  // The marginal entrant's expected profit per hour less the cost of bidding, decreasing in its cost.
  const excess = (c: number): number => libm.pow(survival(terms, c), n) * integral(terms, c, reserve, a) - perHour;
  let hi = reserve;
  let fHi = excess(hi);
  if (fHi >= 0) return reserve;
  // Below `low` every rival's cost is higher, so the margin grows by at least the distance: this bounds the search.
  let lo = Math.min(terms.low, reserve) - perHour;
  let fLo = excess(lo);
  if (!(fLo >= 0)) return -Infinity;
  // Regula falsi with the Illinois rule: a bracketing secant, a few steps where bisection takes dozens.
  let side = 0;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
    const c = fLo - fHi > 0 ? (lo * fHi - hi * fLo) / (fHi - fLo) : (lo + hi) / 2;
    const f = excess(c);
    if (f >= 0) {
      lo = c;
      fLo = f;
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      hi = c;
      fHi = f;
      if (side === 1) fLo /= 2;
      side = 1;
    }
    if (f === 0) break;
  }
  return lo;
}

/** The equilibrium bid of a bidder with cost `cost` that enters (cost at or below `threshold`), USD per H100e-hour: never above the reserve. */
export function bidPrice(cost: number, terms: AuctionTerms, threshold: number): number {
  const { reserve, rivals: n, matchers: a } = terms;
  const atCost = libm.pow(survival(terms, cost), n + a);
  if (!(atCost > 0)) return reserve;
  const above = integral(terms, cost, Math.max(cost, threshold), n + a) + libm.pow(survival(terms, threshold), n) * integral(terms, Math.max(cost, threshold), reserve, a);
  return Math.min(reserve, cost + above / atCost);
}

/** The probability that a rival's cost is above `x`. */
function survival(terms: AuctionTerms, x: number): number {
  const { low, high } = terms;
  if (x <= low) return 1;
  if (x >= high) return 0;
  return (high - x) / (high - low);
}

/** ∫_u^v S(x)^k dx: S is 1 below `low`, linear down to 0 at `high`, and 0 above (S^0 is 1 everywhere). */
function integral(terms: AuctionTerms, u: number, v: number, k: number): number {
  if (!(v > u)) return 0;
  if (k === 0) return v - u;
  const { low, high } = terms;
  let total = 0;
  if (u < low) {
    total += Math.min(v, low) - u;
    u = low;
  }
  const top = Math.min(v, high);
  if (top > u) total += ((high - low) / (k + 1)) * (libm.pow(survival(terms, u), k + 1) - libm.pow(survival(terms, top), k + 1));
  return total;
}
