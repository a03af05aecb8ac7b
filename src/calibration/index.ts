/**
 * Calibration (issue 7): fit the t-garch-jump model and a funding process to historical data, and write
 * the model file `perpsim calibrate` hands to `stress --model`.
 */
export { calibrate } from "./calibrate.ts";
export { modelFile } from "./file.ts";
