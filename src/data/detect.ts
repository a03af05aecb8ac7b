import { InputError, INTERVALS } from "../market/index.ts";
import { type CandleFile, isHeader, readCandles, BINANCE_KLINE_COLUMNS } from "./candles.ts";
import { type FundingFile, fundingFormatOf, readFunding } from "./funding.ts";
import { forEachRecord } from "./source.ts";

export type DataFile = ({ format: "candles" } & CandleFile) | FundingFile;

/** The bar length a file name announces ("BTCUSDT-1h.csv.gz", "BTCUSDT-1h-mark.csv.gz", "BTC-4h.csv"). */
export function intervalFromName(file: string): number | undefined {
  const m = /-(\d+[mhd])(?:-mark)?\.csv(?:\.gz)?$/.exec(file);
  return m && m[1] in INTERVALS ? INTERVALS[m[1] as keyof typeof INTERVALS] : undefined;
}

class FirstRecord extends Error {}

/** Look at the first record only, then read the file with the reader its columns call for. */
export async function readDataFile(file: string): Promise<DataFile> {
  if (!/\.csv(\.gz)?$/.test(file)) throw new InputError(`${file}: not a .csv or .csv.gz file`);
  let first: string[] = [];
  try {
    await forEachRecord(file, (f) => {
      first = f;
      throw new FirstRecord();
    });
  } catch (err) {
    if (!(err instanceof FirstRecord)) throw err;
  }
  if (isHeader(first) && fundingFormatOf(first)) return readFunding(file);
  if (!isHeader(first) || first.some((c) => (BINANCE_KLINE_COLUMNS as readonly string[]).includes(c.trim()))) {
    return { format: "candles", ...(await readCandles(file, { expectedIntervalMs: intervalFromName(file) })) };
  }
  throw new InputError(
    `${file}:1: unknown columns '${first.join(",")}' (expected klines open_time,open,high,low,close,volume[,…], or funding calc_time,funding_interval_hours,last_funding_rate | time,coin,fundingRate | time,fundingRate)`,
  );
}
