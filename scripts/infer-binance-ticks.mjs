// The price tick of Binance USD-M symbols as their own archived trades show it: the greatest common divisor
// of every open/high/low/close in a window of data.binance.vision klines (last-trade prices, so each is a
// multiple of PRICE_FILTER.tickSize in force). Used where no recorded exchangeInfo holds a symbol's tick;
// checked against the recorded ticks of BTC, ETH, XRP, ADA, LTC and DOGE (ccxt's markets fixture).
// Usage: node scripts/infer-binance-ticks.mjs FROM TO FILE.csv[.gz]...
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const SCALE = 8; // prices in units of 1e-8
const units = (s) => {
  const [whole, frac = ""] = s.split(".");
  return BigInt(whole + frac.padEnd(SCALE, "0").slice(0, SCALE));
};
const gcd = (a, b) => { while (b) [a, b] = [b, a % b]; return a; };
const asTick = (g) => {
  const s = g.toString().padStart(SCALE + 1, "0");
  return `${s.slice(0, -SCALE)}.${s.slice(-SCALE)}`.replace(/0+$/, "").replace(/\.$/, "");
};

const [from, to, ...files] = process.argv.slice(2);
const t0 = Date.parse(`${from}T00:00:00Z`), t1 = Date.parse(`${to}T00:00:00Z`);
for (const file of files) {
  const raw = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  let g = 0n, prices = 0;
  for (const line of text.split("\n").slice(1)) {
    const cells = line.split(",");
    const t = Number(cells[0]);
    if (!(t >= t0 && t < t1)) continue;
    for (const p of cells.slice(1, 5)) { g = gcd(g, units(p)); prices++; }
  }
  console.log(`${file.split("/").pop()}\t${from}..${to}\t${prices ? asTick(g) : "no rows"}\t${prices} prices`);
}
