import { InputError } from "../errors/index.ts";

type Json = Record<string, unknown>;
const isNum = (v: unknown) => typeof v === "number" && Number.isFinite(v);

/** `runs[i].<path>` must be a finite number (nullable: or null). */
function number(file: string, run: Json, i: number, path: string, nullable = false): void {
  let v: unknown = run;
  const keys = path.split(".");
  for (let k = 0; k < keys.length; k++) {
    if (k > 0 && (typeof v !== "object" || v === null)) {
      throw new InputError(`${file}: field 'runs[${i}].${keys.slice(0, k).join(".")}' must be an object, got ${JSON.stringify(v) ?? "nothing"}`);
    }
    v = (v as Json)[keys[k]];
  }
  if (isNum(v) || (nullable && v === null)) return;
  throw new InputError(`${file}: field 'runs[${i}].${path}' must be a number${nullable ? " or null" : ""}, got ${JSON.stringify(v) ?? "nothing"}`);
}

const QUANTILES = ["mean", "p5", "var95", "var99", "es975", "es99"];

/** The numbers a stress run's report draws: present and finite, so a hand-edited summary is refused by field, not by a crash. */
export function checkStressRuns(file: string, runs: Json[]): void {
  runs.forEach((r, i) => {
    for (const f of ["liquidationProbability", "wipeoutProbability", "fundingPaid.mean", "fundingPaid.p95"]) number(file, r, i, f);
    for (const q of QUANTILES) {
      number(file, r, i, `terminalEquity.${q}`);
      number(file, r, i, `minEquity.${q}`);
    }
    number(file, r, i, "timeToLiquidationHours.median", true);
    number(file, r, i, "timeToLiquidationHours.p10", true);
    for (const f of ["ci95", ...(r.wipeoutCi95 !== undefined ? ["wipeoutCi95"] : []), ...(r.badDebtCi95 !== undefined ? ["badDebtCi95"] : [])]) {
      const v = r[f];
      if (!Array.isArray(v) || v.length !== 2 || !v.every(isNum)) throw new InputError(`${file}: field 'runs[${i}].${f}' must be [low, high], got ${JSON.stringify(v) ?? "nothing"}`);
    }
    const curve = r.survivalCurve;
    if (!Array.isArray(curve) || !curve.every((p) => Array.isArray(p) && p.length === 2 && p.every(isNum))) {
      throw new InputError(`${file}: field 'runs[${i}].survivalCurve' must be a list of [hour, share] pairs`);
    }
  });
}

/** The numbers a backtest run's report draws. */
export function checkBacktestRuns(file: string, runs: Json[]): void {
  const fields = ["finalEquity", "returnPct", "maxDrawdownPct", "feesPaid", "badDebt"];
  runs.forEach((r, i) => {
    for (const f of fields) number(file, r, i, f);
    // unknown is not zero: null when the funding source had no data for the run
    if (r.fundingPaid !== null) number(file, r, i, "fundingPaid");
    if (typeof r.survived !== "boolean") throw new InputError(`${file}: field 'runs[${i}].survived' must be true or false`);
    if (!Array.isArray(r.liquidations)) throw new InputError(`${file}: field 'runs[${i}].liquidations' must be a list`);
  });
}
