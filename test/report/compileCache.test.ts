/**
 * The report write made cheap (issue 13): vega-lite specs compiled once per shape and cached, and the
 * static SVG drawn from thinned rows. Checked against vega-lite's own compiler on every chart the
 * fixtures' reports draw, and against a hand-made series for the thinning.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as vegaLite from "vega-lite";
import { describe, expect, it } from "vitest";
import { fixtureCharts, tempCacheDir } from "./fixtureCharts.ts";
import { compileVegaLite } from "../../src/report/compileCache.ts";
import { thinSeries } from "../../src/report/render.ts";

const cache = tempCacheDir("perpsim-vega-cache-");

describe("compileVegaLite", () => {
  it("gives vega-lite's own compile of every fixture chart, from memory, from disk and afresh", async () => {
    const charts = await fixtureCharts();
    expect(charts.length).toBeGreaterThanOrEqual(6);
    for (const c of charts) {
      // as JSON, which is how the page carries both (JSON has no −0, and the rows' −0 drawdowns stay −0 in both objects)
      const direct = JSON.stringify(vegaLite.compile(c.spec as unknown as vegaLite.TopLevelSpec).spec);
      expect(JSON.stringify(await compileVegaLite(c.spec)), c.id).toBe(direct);
      expect(JSON.stringify(await compileVegaLite(c.spec)), `${c.id} (memory)`).toBe(direct);
    }
    const files = (await readdir(join(cache.dir(), "vega"))).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(charts.length);
  });

  it("puts each chart's own rows back: two charts of one shape with other data compile to their own values", async () => {
    const [equity] = await fixtureCharts();
    const other = structuredClone(equity.spec);
    const name = Object.keys(other.datasets)[0];
    other.datasets[name] = other.datasets[name].slice(0, 3);
    const a = await compileVegaLite(equity.spec);
    const b = await compileVegaLite(other);
    const rows = (vg: typeof a) => (vg.data ?? []).find((d) => d.name === name)?.values as unknown[];
    expect(rows(b)).toHaveLength(3);
    expect(rows(a)).toHaveLength(equity.spec.datasets[name].length);
  });
});

describe("thinSeries (the static SVG's rows)", () => {
  it("keeps each bucket's first, last, minimum and maximum per series, in order, and leaves short series alone", () => {
    // two series of 1,000 rows: a sine with one deep wick at i = 637 in "cross"
    const rows: Record<string, unknown>[] = [];
    for (const mode of ["cross", "isolated"]) for (let i = 0; i < 1000; i++) rows.push({ t: i, mode, equity: mode === "cross" && i === 637 ? -50 : Math.sin(i / 50) });
    const thin = thinSeries(rows, 240);
    for (const mode of ["cross", "isolated"]) {
      const s = thin.filter((r) => r.mode === mode);
      expect(s.length).toBeLessThanOrEqual(240);
      expect(s.length).toBeGreaterThan(60); // 40 buckets of 25 rows, 2 to 6 rows kept from each
      expect(s[0].t).toBe(0);
      expect(s[s.length - 1].t).toBe(999);
      const ts = s.map((r) => r.t as number);
      expect(ts).toEqual([...ts].sort((x, y) => x - y));
    }
    expect(thin.find((r) => r.mode === "cross" && r.t === 637)?.equity).toBe(-50);
    // sin peaks at i = 50·π/2 ≈ 78.5: rows 78 and 79 are the top of the first bucket
    expect(thin.some((r) => r.mode === "isolated" && (r.t === 78 || r.t === 79))).toBe(true);
    const short = rows.slice(0, 200);
    expect(thinSeries(short, 240)).toBe(short);
  });
});
