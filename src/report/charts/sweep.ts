import { InputError } from "../../errors/index.ts";
import { CsvTable } from "../csv.ts";
import { round } from "../format.ts";
import { SWEEP_PARAM_PREFIX, SWEEP_REQUIRED_COLUMNS } from "../sweep.ts";
import { topLevel, type Chart } from "./chart.ts";

export interface SweepCell {
  x: number;
  y: number | null;
  /** P(liq | cross) − P(liq | isolated), in percentage points: the sign of the paired difference everywhere (negative: cross is liquidated less) */
  difference: number;
  cross: number;
  isolated: number;
}

export function readSweep(text: string): { params: string[]; cells: SweepCell[] } {
  const t = new CsvTable("sweep.csv", text, SWEEP_REQUIRED_COLUMNS);
  const paramCols = t.header.map((h, i) => [h, i] as const).filter(([h]) => h.startsWith(SWEEP_PARAM_PREFIX));
  if (paramCols.length < 1 || paramCols.length > 2) {
    throw new InputError(`sweep.csv line 1: expected one or two '${SWEEP_PARAM_PREFIX}<name>' columns, found ${paramCols.length}`);
  }
  const cMode = t.column("mode"), cP = t.column("liquidationProbability");
  const byCell = new Map<string, { x: number; y: number | null; cross?: number; isolated?: number }>();
  for (let r = 0; r < t.rows.length; r++) {
    const x = t.num(r, paramCols[0][1]);
    const y = paramCols.length === 2 ? t.num(r, paramCols[1][1]) : null;
    const mode = t.text(r, cMode);
    if (mode !== "cross" && mode !== "isolated") throw new InputError(`sweep.csv line ${r + 2}: field 'mode' is '${mode}', expected cross or isolated`);
    const p = t.num(r, cP);
    if (p < 0 || p > 1) throw new InputError(`sweep.csv line ${r + 2}: field 'liquidationProbability' is ${p}, outside 0..1`);
    const key = `${x}|${y}`;
    const cell = byCell.get(key) ?? { x, y };
    cell[mode] = p;
    byCell.set(key, cell);
  }
  const cells = [...byCell.values()]
    .filter((c): c is SweepCell & { cross: number; isolated: number } => c.cross !== undefined && c.isolated !== undefined)
    .map((c) => ({ x: c.x, y: c.y, cross: c.cross, isolated: c.isolated, difference: round((c.cross - c.isolated) * 100, 6) }));
  return { params: paramCols.map(([h]) => h.slice(SWEEP_PARAM_PREFIX.length)), cells };
}

export function sweepChart(text: string): Chart {
  const { params, cells } = readSweep(text);
  const rows = cells.map((c) => ({ ...c, cross: round(c.cross * 100, 5), isolated: round(c.isolated * 100, 5) }));
  const extent = Math.max(1e-9, ...rows.map((r) => Math.abs(r.difference)));
  const color = { field: "difference", type: "quantitative", title: "liquidation probability, cross − isolated, pp", legend: { titleLimit: 300, gradientLength: 220 }, scale: { scheme: "redblue", reverse: true, domain: [-extent, extent] } };
  const tooltip = [
    ...params.map((p, i) => ({ field: i === 0 ? "x" : "y", type: "quantitative", title: p })),
    { field: "cross", type: "quantitative", title: "P(liq) cross %", format: ".2f" },
    { field: "isolated", type: "quantitative", title: "P(liq) isolated %", format: ".2f" },
    { field: "difference", type: "quantitative", title: "cross − isolated, pp", format: "+.2f" },
  ];
  const howToRead = "Liquidation probability under cross minus under isolated, in percentage points (the sign the paired difference and the terminal use), for each setting of the swept parameter(s). Blue, negative: cross is liquidated less often there; red, positive: isolated is. White: no difference. Hover a cell for both modes' own probabilities.";
  if (params.length === 1) {
    return {
      id: "sweep",
      title: `Sweep over ${params[0]}: liquidation probability, cross minus isolated`,
      howToRead,
      spec: topLevel({
        width: 820, height: 200, data: { name: "sweep" },
        mark: { type: "bar", tooltip: true },
        encoding: { x: { field: "x", type: "ordinal", title: params[0] }, y: { field: "difference", type: "quantitative", title: "liquidation probability, cross − isolated, pp" }, color, tooltip },
      }, { sweep: rows }),
    };
  }
  return {
    id: "sweep",
    title: `Sweep over ${params[0]} × ${params[1]}: liquidation probability, cross minus isolated`,
    howToRead,
    spec: topLevel({
      width: { step: 80 }, height: { step: 36 }, data: { name: "sweep" },
      encoding: { x: { field: "x", type: "ordinal", title: params[0] }, y: { field: "y", type: "ordinal", title: params[1], sort: "descending" } },
      layer: [
        { mark: { type: "rect", tooltip: true }, encoding: { color, tooltip } },
        { mark: { type: "text", fontSize: 11 }, encoding: { text: { field: "difference", type: "quantitative", format: "+.1f" },
          color: { condition: { test: `abs(datum.difference) > ${extent * 0.6}`, value: "white" }, value: "#222" } } },
      ],
    }, { sweep: rows }),
  };
}
