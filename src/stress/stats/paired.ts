/** The paired difference of two proportions: one definition, in the results room, shared with the report. */
export { pairedDifference, type PairedDifference } from "../../results/index.ts";
