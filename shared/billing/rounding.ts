/**
 * Integer money arithmetic. Amounts are minor units; a rate times a quantity is kept as an exact
 * fraction until the single rounding of a line, half away from zero so a credit mirrors its charge.
 */
export function roundHalfUp(numerator: number, denominator: number): number {
  if (denominator <= 0 || !Number.isInteger(denominator)) throw new RangeError(`denominator must be a positive integer: ${denominator}`);
  if (!Number.isSafeInteger(numerator)) throw new RangeError(`numerator is not a safe integer: ${numerator}`);
  const sign = numerator < 0 ? -1 : 1;
  const n = Math.abs(numerator);
  const q = Math.floor(n / denominator);
  const r = n - q * denominator;
  return sign * (2 * r >= denominator ? q + 1 : q) || 0;
}

/** `amount × bps / 10 000`, rounded half-up: percentages and tax rates are basis points. */
export function applyBps(amountMinor: number, bps: number): number {
  return roundHalfUp(amountMinor * bps, 10_000);
}

/**
 * Splits `total` in proportion to `weights` so the parts always sum to the whole: each part gets
 * its floor, and the leftover units go to the largest remainders (earlier index on a tie).
 */
export function splitLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError(`total is not a safe integer: ${total}`);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  if (weights.some((w) => w < 0 || !Number.isSafeInteger(w)) || weightSum === 0) {
    throw new RangeError('weights must be non-negative integers with a positive sum');
  }
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const parts = weights.map((w) => Math.floor((abs * w) / weightSum));
  const order = weights
    .map((w, i) => ({ i, rem: (abs * w) % weightSum }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  let left = abs - parts.reduce((s, p) => s + p, 0);
  for (const { i } of order) {
    if (left === 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts.map((p) => sign * p || 0);
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
