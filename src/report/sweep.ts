/**
 * `sweep.csv` — written beside a stress run's summary.json when the run varies one or two parameters.
 * One row per grid cell and mode:
 *
 *   param:<name1>[,param:<name2>],mode,liquidationProbability[,ci95Low,ci95High,wipeoutProbability,paths]
 *
 * e.g. `param:correlation,param:leverage,mode,liquidationProbability`
 *      `0.95,5,cross,0.031`
 * Parameter values are numbers; `mode` is `cross` or `isolated`; probabilities are shares in 0..1.
 */
export const SWEEP_PARAM_PREFIX = "param:";
export const SWEEP_REQUIRED_COLUMNS = ["mode", "liquidationProbability"] as const;
export const SWEEP_OPTIONAL_COLUMNS = ["ci95Low", "ci95High", "wipeoutProbability", "paths"] as const;
