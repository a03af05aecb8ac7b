/** The data layer: reading exchange files, validating them, cataloguing a data root, aligning symbols. */
export { loadMarket, parseTimeArg, type LoadMarketOptions } from "./load.ts";
export { readCandles, type CandleFile, type ReadCandlesOptions, BINANCE_KLINE_COLUMNS } from "./candles.ts";
export { readCandlesCached, readFundingCached } from "./cachedReaders.ts";
export { readFunding, type FundingFile, type FundingFormat, FUNDING_FORMATS } from "./funding.ts";
export { readDataFile, intervalFromName, type DataFile } from "./detect.ts";
export { resample, type Resampled } from "./resample.ts";
export { alignBars, alignedGaps, describeGaps } from "./align.ts";
export { DEFAULT_DATA_DIR, MARK_SOURCES, listDatasets, datasetPath, venueSymbol, type Dataset, type DatasetKind, type CandleSource, type FundingSource } from "./catalog.ts";
export { summariseDatasets, type DatasetSummary } from "./summary.ts";
export { inspectSymbol, formatTable, type InspectRow } from "./inspect.ts";
export { fetchData, FETCH_KINDS, FETCH_VENUES, type FetchOptions, type FetchEvent, type FetchReport, type SeriesResult, type FetchKind, type FetchVenue } from "./fetch/index.ts";
export {
  VENUE_API_BASE, fetchHyperliquidMetas, fetchBinanceBrackets, fetchBinanceExchangeInfo, signBinanceQuery, fetchBybitRiskLimits, fetchBybitInstruments, fetchDydxMarkets,
} from "./venueApi.ts";
