import { InputError } from "../market/index.ts";

const QUOTE_SUFFIXES = ["-PERP", "-USDT", "-USDC", "-USD", "/USDT", "/USDC", "/USD", "USDT", "USDC", "BUSD", "USD"];

/**
 * The base asset of a symbol, for tier lookup: `BTCUSDT`, `BTC`, `BTC-USD`, `btc/usdt` → `BTC`.
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
  if (!/^[A-Z0-9]{1,20}$/.test(s)) throw new InputError(`symbol '${symbol}' is not a symbol (expected e.g. BTCUSDT, BTC or BTC-USD)`);
  return s;
}
