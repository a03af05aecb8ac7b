/**
 * The report write made cheap (issue 13): vega.parse done once per chart shape (parseCache.ts), the
 * rows put back after. Checked against vega's own parse and its drawing on every chart the fixtures'
 * reports draw; and the drawn SVG of a chart is the same whatever was drawn before it in the process
 * (vega's clip and gradient counters are process-wide).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as vega from "vega";
import { describe, expect, it } from "vitest";
import { fixtureCharts, tempCacheDir } from "./fixtureCharts.ts";
import { compileVegaLite } from "../../src/report/compileCache.ts";
import { parseVega } from "../../src/report/parseCache.ts";
import { renderChart } from "../../src/report/render.ts";

const cache = tempCacheDir("perpsim-parse-cache-");

async function svgOf(runtime: vega.Runtime): Promise<string> {
  const view = new vega.View(runtime, { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** vega's process-wide ids, numbered by first appearance within the one SVG */
function sameIds(svg: string): string {
  const seen = new Map<string, number>();
  return svg.replace(/\b(clip|gradient_)(\d+)\b/g, (m, kind: string) => {
    if (!seen.has(m)) seen.set(m, seen.size);
    return `${kind}#${seen.get(m)}`;
  });
}

/** vega.parse names anonymous datasets with a process-wide counter too (never drawn): numbered by first appearance */
function sameNames(json: string): string {
  const seen = new Map<string, number>();
  return json.replace(/_:vega:_\d+/g, (m) => {
    if (!seen.has(m)) seen.set(m, seen.size);
    return `_:vega:#${seen.get(m)}`;
  });
}

describe("parseVega", () => {
  it("gives vega.parse's own description of every fixture chart, rows included, afresh (written to disk) and from memory; drawn the same", async () => {
    const charts = await fixtureCharts();
    expect(charts.length).toBeGreaterThanOrEqual(7);
    for (const c of charts) {
      const spec = (await compileVegaLite(c.spec)) as unknown as vega.Spec;
      const names = Object.keys(c.spec.datasets);
      const direct = vega.parse(spec);
      const first = await parseVega(spec, names);
      const again = await parseVega(spec, names);
      expect(sameNames(JSON.stringify(first)), c.id).toBe(sameNames(JSON.stringify(direct)));
      expect(JSON.stringify(again), `${c.id} (memory)`).toBe(JSON.stringify(first));
      expect(sameIds(await svgOf(first)), `${c.id} drawn`).toBe(sameIds(await svgOf(direct)));
    }
    const files = (await readdir(join(cache.dir(), "vega"))).filter((f) => f.endsWith(".runtime.json"));
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(charts.length);
  });

  it("puts each chart's own rows back: two charts of one shape with other data get their own rows", async () => {
    const [equity] = await fixtureCharts();
    const spec = (await compileVegaLite(equity.spec)) as unknown as vega.Spec;
    const name = Object.keys(equity.spec.datasets)[0];
    const fewer = { ...spec, data: spec.data!.map((d) => (d.name === name ? { ...d, values: ((d as vega.ValuesData).values as unknown[]).slice(0, 3) } : d)) } as vega.Spec;
    const a = JSON.stringify(await parseVega(spec, [name]));
    const b = JSON.stringify(await parseVega(fewer, [name]));
    expect(sameNames(b)).toBe(sameNames(JSON.stringify(vega.parse(fewer))));
    expect(sameNames(a)).toBe(sameNames(JSON.stringify(vega.parse(spec))));
    expect(b.length).toBeLessThan(a.length);
  });
});

describe("renderChart", () => {
  it("draws a chart to the same SVG whatever was drawn before it in this process (clip and gradient ids renumbered per chart)", async () => {
    const charts = await fixtureCharts();
    const heatMap = charts.find((c) => c.id === "sweep")!;
    const first = await renderChart(heatMap);
    expect(first.svg).toMatch(/url\(#sweep-gradient1\)/); // the colour legend's gradient
    for (const c of charts) await renderChart(c); // vega's counters move on
    const second = await renderChart(heatMap);
    expect(second.svg).toBe(first.svg);
    expect(second.svg).not.toMatch(/\bgradient_\d/);
  });
});
