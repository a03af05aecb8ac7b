/** Calibration of the t-garch-jump model and a funding process from historical data (issue 7). */
export { calibrate, RULES, type Calibration, type AssetStats } from "./calibrate.ts";
export { jointReturns, correlationMatrix, kurtosis, variance, type JointReturns } from "./returns.ts";
export { fitGarch, fitStudentNu } from "./garch.ts";
export { modelFile } from "./file.ts";
