// InputError lives in the errors room; re-exported here so code that imports it from market keeps working
export { InputError } from "./errors.ts";
export { type Bars, type BarField, BAR_FIELDS, BarsBuilder, hasBar, emptyBars, sliceBars, lowerBound } from "./bars.ts";
export { type FundingSeries, sliceFunding, annualisedRate } from "./funding.ts";
export { type Interval, INTERVALS, HOUR_MS, intervalMs, parseInterval, formatDuration, isoTime } from "./interval.ts";
export { type BarPath, barPath, writeBarPath, lowFirst, adverseExtreme } from "./intrabar.ts";
export { type MarketData, type SymbolData, type SeriesInfo, type FundingInfo, type GapReport, symbolData } from "./marketData.ts";
