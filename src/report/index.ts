/** Reports: read a results folder (summary.json + CSVs), write one self-contained report.html beside it. */
export { writeReport, renderReport, buildReportHtml, preloadReportRenderer, prerenderStressSamples, type ReportOptions } from "./report.ts";
export { readResultsFolder, parseSummary, impliedFiles, RESULT_FILES, type ReportInput, type ResultFile, type Summary } from "./input.ts";
export { SWEEP_PARAM_PREFIX, SWEEP_REQUIRED_COLUMNS, SWEEP_OPTIONAL_COLUMNS } from "./sweep.ts";
export { writeOutputs, defaultRunDir } from "./write.ts";
export { RunFolder, RUN_MARKER, checkAddFolder, type RunFolderOptions, type CommitOptions } from "./runFolder.ts";
export { escapeHtml, jsonForScript } from "./escape.ts";
export { backtestVerdictSentence, stressVerdictSentence, MATERIAL_RULE } from "./verdict.ts";
