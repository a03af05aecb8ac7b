import type { Bars, FundingInfo, SeriesInfo } from "../market/index.ts";
import { type CandleFile, readCandles, type ReadCandlesOptions } from "./candles.ts";
import { type FundingFile, type FundingFormat, readFunding } from "./funding.ts";
import { cachedParse } from "./parsedCache.ts";

/**
 * `readCandles` and `readFunding` through the binary cache of parsed columns (parsedCache.ts): the
 * same validated result, parsed from CSV only when the file is new or changed.
 */
export function readCandlesCached(file: string, opts: ReadCandlesOptions = {}): Promise<CandleFile> {
  return cachedParse(
    file, `candles/${opts.expectedIntervalMs ?? "any"}`, () => readCandles(file, opts),
    ({ bars, info }) => ({ meta: { intervalMs: bars.intervalMs, info }, columns: [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume] }),
    ({ meta, columns: [time, open, high, low, close, volume] }: { meta: { intervalMs: number; info: SeriesInfo }; columns: Float64Array[] }) => {
      const bars: Bars = { intervalMs: meta.intervalMs, length: time.length, time, open, high, low, close, volume };
      return { bars, info: { ...meta.info, file } };
    },
  );
}

export function readFundingCached(file: string): Promise<FundingFile> {
  return cachedParse(
    file, "funding", () => readFunding(file),
    ({ format, funding, info }) => ({ meta: { format, info }, columns: [funding.time, funding.rate, funding.intervalHours] }),
    ({ meta, columns: [time, rate, intervalHours] }: { meta: { format: FundingFormat; info: FundingInfo }; columns: Float64Array[] }) =>
      ({ format: meta.format, funding: { length: time.length, time, rate, intervalHours }, info: { ...meta.info, file } }),
  );
}
