/** How much history the dashboard reads: bounded, so a build stays fast on a warehouse of years. */

/** Runs of the node shown in the trend. */
export const TREND_RUNS = 60;
/** Loads shown per dataset. */
export const LOADS_PER_DATASET = 20;
/** Schema changes shown per dataset. */
export const DRIFT_PER_DATASET = 50;
/** Quarantined rows shown per reason. */
export const QUARANTINE_SAMPLES = 10;
