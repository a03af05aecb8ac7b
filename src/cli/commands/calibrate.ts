import { join } from "node:path";
import { loadMarket } from "../../data/index.ts";
import { InputError } from "../../market/index.ts";
import { calibrate, modelFile } from "../../calibration/index.ts";
import { totalVol } from "../../paths/index.ts";
import { RunFolder } from "../../report/index.ts";
import { commitRun } from "../commitRun.ts";
import { parseFlags } from "../args.ts";

export const usage = `usage: perpsim calibrate --symbols BTCUSDT,ETHUSDT,SOLUSDT [--from DATE] [--to DATE] [--data DIR] [--out DIR]

Estimates from the data the vols, GARCH(1,1), tail index, calm and stress correlations (stress = the first
symbol's trailing 24 h volatility above its 90th percentile), jumps and funding dynamics, and writes
model.json (a stress-config fragment: model + funding, for perpsim stress) and calibration.json.`;

/**
 * `perpsim calibrate --symbols BTCUSDT,ETHUSDT,SOLUSDT [--from 2023-01-01] [--to 2026-01-01] [--data DIR] [--out DIR] [--force]`
 * writes `model.json` (a stress-config fragment: model + funding) and `calibration.json` (the data's own
 * statistics and the rules used).
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { symbols: { type: "string" }, from: { type: "string" }, to: { type: "string" }, data: { type: "string" }, out: { type: "string" }, force: { type: "boolean" } });
  if (!values.symbols) throw new InputError("--symbols is required, e.g. --symbols BTCUSDT,ETHUSDT,SOLUSDT");
  const symbols = values.symbols.split(",").map((s) => s.trim()).filter(Boolean);
  const folder = await RunFolder.open(values.out, "calibrate", { force: values.force });
  try {
    return await calibrateInto(folder, symbols, values);
  } finally {
    await folder.release();
  }
}

async function calibrateInto(folder: RunFolder, symbols: string[], values: { from?: string; to?: string; data?: string }): Promise<number> {
  const market = await loadMarket({ symbols, from: values.from, to: values.to, dataDir: values.data, interval: "1h" });
  for (const w of market.warnings) console.error(`warning: ${w}`);
  let c;
  try {
    c = calibrate(market);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(err.message);
    throw err;
  }
  const files = modelFile(c, symbols.join(","));
  await commitRun(folder, { "model.json": files.model, "calibration.json": files.calibration });
  const dir = folder.dir;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  c.stats.assets.forEach((a, i) => {
    const m = c.model.assets[i];
    const total = totalVol(m.vol, m.jumpBeta, c.model, m.idiosyncraticJumpsPerYear);
    console.log(`${a.symbol.padEnd(10)} vol ${pct(a.annualVol)}/yr in the data; model.json diffusionVol ${pct(m.vol)}, total with jumps and regimes ${pct(total)}; hourly kurtosis ${a.hourlyKurtosis}, ν ${a.nu}, ${a.jumps} jumps`);
  });
  console.log(`calm/stress split: ${(c.stats.stressShare * 100).toFixed(1)} % of hours stressed; model file ${join(dir, "model.json")}`);
  console.log(`run it: perpsim stress --model ${join(dir, "model.json")} [--config BOOK.json]`);
  return 0;
}
