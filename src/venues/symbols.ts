import { InputError } from "../market/index.ts";

const QUOTE_SUFFIXES = ["-PERP", "-USDT", "-USDC", "-USD", "/USDT", "/USDC", "/USD", "USDT", "USDC", "BUSD", "USD"];
const SYMBOL = /^(?:[A-Z0-9]{1,20}:)?[A-Z0-9]{1,20}$/;

/**
 * The base asset of a symbol, for tier lookup: `BTCUSDT`, `BTC`, `BTC-USD`, `btc/usdt` → `BTC`;
 * `1000PEPEUSDT` → `1000PEPE`; a Hyperliquid HIP-3 name keeps its dex: `xyz:AAPL` → `XYZ:AAPL`.
 * Throws InputError when nothing usable is left.
 */
export function baseAsset(symbol: string): string {
  let s = symbol.trim().toUpperCase();
  for (const suffix of QUOTE_SUFFIXES) {
    if (s.length > suffix.length && s.endsWith(suffix)) {
      s = s.slice(0, -suffix.length);
      break;
    }
  }
  if (s.endsWith("-PERP")) s = s.slice(0, -5);
  if (!SYMBOL.test(s)) throw new InputError(`symbol '${symbol}' is not a symbol (expected e.g. BTCUSDT, BTC, BTC-USD or xyz:AAPL)`);
  return s;
}

/**
 * The keys a symbol is looked up by in a venue's tables, most specific first: the whole name
 * (upper case), then its base asset. So `SOLUSDT`, `SOL` and `SOL-USD` all find Binance's `SOLUSDT`,
 * Hyperliquid's `SOL` and dYdX's `SOL-USD`; `kpepe` finds `kPEPE`.
 */
export function symbolKeys(symbol: string): string[] {
  const whole = symbol.trim().toUpperCase();
  const base = baseAsset(symbol);
  return whole === base ? [whole] : [whole, base];
}
