/**
 * An explainable anomaly detector for a metric's history (row counts, pass rates): a z-score against earlier runs
 * after removing a monthly seasonal offset.
 *
 * 1. Fewer than `minHistory` earlier values → no verdict.
 * 2. Seasonal offset of calendar month m: mean of the history in m minus the overall mean, when m has ≥ 2 values
 *    (else 0). Values are de-seasonalised by subtracting the offset of their month.
 * 3. z = (x′ − mean′) / sd′ over the de-seasonalised history (sample sd), with sd′ floored (1% of |mean| for
 *    counts, 0.005 for rates) so that a perfectly flat history does not make every small change infinite.
 * 4. |z| ≥ `threshold` (default 3) is an anomaly.
 */

/** One observation of a metric. */
export interface Observation {
  /** YYYY-MM-DD (or an ISO time; the month is read from characters 6–7). */
  readonly at: string;
  readonly value: number;
}

/** Options of the detector. */
export interface AnomalyOptions {
  /** Earlier values needed before judging; defaults to 8. */
  readonly minHistory?: number;
  /** |z| at or above which a value is an anomaly; defaults to 3. */
  readonly threshold?: number;
  /** `rate` metrics (0–1) use an absolute sd floor of 0.005; `count` metrics 1% of the mean. */
  readonly kind?: 'count' | 'rate';
}

/** The verdict on one value. */
export interface AnomalyVerdict {
  readonly anomaly: boolean;
  readonly z: number;
  /** The value expected this month: the de-seasonalised mean plus this month's offset. */
  readonly expected: number;
  readonly sd: number;
  readonly seasonalOffset: number;
  readonly history: number;
}

const month = (at: string) => Number(at.slice(5, 7));
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Judges `current` against `history`; null when the history is too short. */
export function detectAnomaly(
  history: readonly Observation[],
  current: Observation,
  options: AnomalyOptions = {},
): AnomalyVerdict | null {
  const minHistory = options.minHistory ?? 8;
  const threshold = options.threshold ?? 3;
  if (history.length < minHistory) return null;
  const overall = mean(history.map((h) => h.value));
  const byMonth = new Map<number, number[]>();
  for (const h of history) byMonth.set(month(h.at), [...(byMonth.get(month(h.at)) ?? []), h.value]);
  const offset = (m: number) => {
    const xs = byMonth.get(m);
    return xs && xs.length >= 2 ? mean(xs) - overall : 0;
  };
  const adjusted = history.map((h) => h.value - offset(month(h.at)));
  const mu = mean(adjusted);
  const variance = adjusted.reduce((s, x) => s + (x - mu) ** 2, 0) / Math.max(1, adjusted.length - 1);
  const floor = options.kind === 'rate' ? 0.005 : Math.max(0.01 * Math.abs(mu), 1);
  const sd = Math.max(Math.sqrt(variance), floor);
  const seasonalOffset = offset(month(current.at));
  const z = (current.value - seasonalOffset - mu) / sd;
  return {
    anomaly: Math.abs(z) >= threshold,
    z,
    expected: mu + seasonalOffset,
    sd,
    seasonalOffset,
    history: history.length,
  };
}
