import { literal, NEGLIGIBLE_EXPONENT, type InlineStep, type StepNames } from "../paths/index.ts";
import { AHEAD_STRIDE } from "./lanes/laneMarketAhead.ts";
import { M } from "./fusedMode.ts";
import { handOver, HandOver, MarketCell, ModeCell, SlotCell, type CompiledPathHost } from "./compiledPathState.ts";
import { optimisedAfterWarmUp } from "./tierUp.ts";

/** What the loop is compiled for: the shape of the book and the step's constants. */
export interface CompiledPathShape {
  assets: number;
  /** per mode, in the config's order: isolated (true) or cross */
  isolated: readonly boolean[];
  dtYears: number;
  stepHours: number;
  settleEvery: number;
  /** the funding settlements of every step when they are the same for all (a whole number of them a step), else null: each step's from the host */
  settlement: UniformSettlement | null;
  fundingMoves: boolean;
  /** where each step's market comes from */
  market: MarketSource;
}

/**
 * `ahead`: the loop reads each step's log prices, prices and variances from the market the host drew ahead
 * (`aheadFigures`: a plain model's, funding not moving); `inline`: the model's step as source (PathModel.inlineStep),
 * spliced into the loop; `call`: the loop calls `model.step`.
 */
export type MarketSource = { kind: "ahead" } | { kind: "inline"; step: InlineStep } | { kind: "call" };

/** Every step's settlements (FusedPathSimulator.settlementsAt) and whether its only one falls at its end (settlesAtEnd). */
export interface UniformSettlement {
  count: number;
  atEnd: boolean;
}

/** Run the steps of the path the host has started (FusedPathSimulator.reset), leaving the modes and the last step's market in the host. */
export type CompiledPath = (host: CompiledPathHost) => void;

/** Books of more assets than this run the host's generic loop: the unrolled source would grow past what pays. */
export const MAX_COMPILED_ASSETS = 12;
/** Modes are bits of a loud-mode mask. */
export const MAX_COMPILED_MODES = 16;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/*
 * The fused kernel's path loop, compiled at run time for one book's shape (asset count, the modes, the
 * step's constants): the market of the step and every mode's QUIET step — no isolated position touching its
 * trigger by the bridge (the early-out, or near the trigger the bridge's uniform drawn here), a cross
 * account far from D = 0 by the early-out, funding (if any) settling at the step's end, nothing past a
 * trigger at the end — run on locals: each asset's prices, each slot's direction, size, entry, margin, trigger, the
 * funding accrued, the wallet, the tallies, carried from step to step with no object or typed-array
 * access but the model's outputs. Any other step of a mode (a bridge touch or a position past its trigger,
 * a jump, a settlement inside the step, a cross account near D = 0 or off the linear rules, a lone cross
 * position, a trigger solved again) is the host's: the mode's locals and the step's market go across in two
 * typed arrays to compiledPathState.ts's `handOver`, which puts them in the hold's rows, the tallies and the
 * market rows, runs `FusedMode.step` (the engine acts there) and reads the mode back; the path's start and
 * end cross the same way. A quiet step is
 * decided before anything is written (the new figures sit in temporaries until the end check passes, and
 * a bridge stream that drew for a step that turns out loud is put back), so the host always starts the
 * step from the state the step started in; and the quiet step's sums are the same operations in the same
 * order as FusedMode's checkPositions (+ nearTrigger) + isolatedTail and checkCrossAccount + crossTail: the
 * same bytes (fusedKernel.test.ts compares with the reference kernel). A plain model's step (no jumps, a
 * constant correlation: PathModel.inlineStep) is spliced in as source, the market stream's state in locals;
 * any other model's `step` is called.
 */
export function compilePath(shape: CompiledPathShape): CompiledPath {
  const source = pathSource(shape);
  let compiled = compiledBySource.get(source);
  if (!compiled) {
    const bindings = shape.market.kind === "inline" ? shape.market.step.bindings : {};
    const loop = new Function("handOver", ...Object.keys(bindings), `"use strict"; return function compiledPath(host) {\n${source}\n};`)(handOver, ...Object.values(bindings)) as CompiledPath;
    compiled = optimisedAfterWarmUp(loop, (host) => host.lastStep - host.firstStep + 1); // tierUp.ts says why
    if (compiledBySource.size >= KEPT_SHAPES) compiledBySource.delete(compiledBySource.keys().next().value!);
    compiledBySource.set(source, compiled);
  }
  return compiled;
}

/**
 * One function per source in a thread: every simulator of the same shape (a run's chunks, a sweep's cells,
 * a warm-up run) shares its type feedback and optimised code instead of warming up a copy of its own. A
 * long-lived thread (a queue worker) keeps the most recent KEPT_SHAPES.
 */
const compiledBySource = new Map<string, CompiledPath>();
const KEPT_SHAPES = 16;

/** The source of the loop for this shape. */
function pathSource(shape: CompiledPathShape): string {
  const n = shape.assets;
  const assets = range(n);
  const modes = range(shape.isolated.length);
  const mk = (i: number, column: M) => `mk[${(i << M.Shift) | column}]`;
  const sum = (f: (m: number) => string) => modes.map(f).join(" + ") || "0";
  const ahead = shape.market.kind === "ahead";
  const inline = shape.market.kind === "inline" ? shape.market.step : null;
  // an inlined model step keeps the market stream's state in these locals, and its outputs in mdr_i, mdv_i
  const names: StepNames = { rng: "mrng", s0: "ms0", s1: "ms1", s2: "ms2", c: "mc", logReturn: (i) => `mdr${i}`, variance: (i) => `mdv${i}` };
  const loadStream = `ms0 = mrng.s0; ms1 = mrng.s1; ms2 = mrng.s2; mc = mrng.c;`;
  const storeStream = inline ? `mrng.s0 = ms0; mrng.s1 = ms1; mrng.s2 = ms2; mrng.c = mc;` : "";
  const lines: string[] = [
    `const model = host.model, r = host.r, variance = host.variance, mk = host.market, mb = host.marketState;`,
    // steps firstStep to lastStep: the whole path, or a traced path's stretch to the next step its trace keeps (fusedKernel.ts)
    `const steps = host.lastStep + 1, lastS = steps - 1;`,
    ...(shape.settlement ? [] : [`const settlementsAt = host.settlementsAt, settlesAtEnd = host.settlesAtEnd;`]),
    // the market's locals: the step's start log price and price, its end, variance, rate
    ...assets.map((i) => `let x${i} = ${mk(i, M.X)}, p${i} = ${mk(i, M.S1)}, xs${i} = x${i}, ps${i} = p${i}, v${i} = 0, rt${i} = ${mk(i, M.Rate)};`),
    ...(ahead ? [`const ma = host.aheadFigures, al = host.aheadLane;`] : []),
    ...(inline ? [`const mrng = host.marketRng;`, `let ms0 = 0, ms1 = 0, ms2 = 0, mc = 0, ${assets.map((i) => `mdr${i} = 0, mdv${i} = 0`).join(", ")};`, loadStream] : []),
    `handOver(host, ${HandOver.Start}, 0, false, 0);`,
    ...modes.map((m) => modeLocals(shape, m)),
    `let s = host.firstStep, jumped = false;`,
    `for (; s < steps; s++) {`,
    // sums, not `||` chains: a comparison that rarely runs has no type feedback, and optimised code reaching it deoptimises
    `  const anyOpen = ${sum((m) => `o${m}`)} > 0;`,
  ];
  if (ahead) {
    // the step's figures as the lanes drew them: the same bits as the inlined step and its exp below
    lines.push(
      `  const o = al + s * ${AHEAD_STRIDE * n};`,
      ...assets.map((i) => `  xs${i} = x${i}; ps${i} = p${i}; x${i} = ma[o + ${AHEAD_STRIDE * i}]; p${i} = ma[o + ${AHEAD_STRIDE * i + 2}]; v${i} = ma[o + ${AHEAD_STRIDE * i + 4}];`),
    );
  } else if (inline) {
    // no jumps: an inlined step is a model's without them (PathModel.inlineStep)
    lines.push(
      inline.source(names),
      ...assets.map((i) => `  xs${i} = x${i}; ps${i} = p${i}; x${i} = xs${i} + mdr${i}; p${i} = Math.exp(x${i}); v${i} = mdv${i};`),
      // a moving funding rate reads the step's returns from the host
      ...(shape.fundingMoves ? assets.map((i) => `  r[${i}] = mdr${i}; variance[${i}] = mdv${i};`) : []),
    );
  } else {
    lines.push(
      `  model.step(${literal(shape.dtYears)}, r, variance);`,
      `  const jumps = model.lastJump;`,
      `  jumped = false;`,
      ...assets.map((i) => `  xs${i} = x${i}; ps${i} = p${i}; x${i} = xs${i} + r[${i}]; p${i} = Math.exp(x${i}); v${i} = variance[${i}]; if (jumps[${i}] !== 0) jumped = true;`),
    );
  }
  // A constant rate is set by the host's reset and read above; read again at the first step all the same:
  // with the rates left unchanged through the loop, V8 compiled it into code twice as slow (measured).
  if (shape.fundingMoves || shape.settleEvery !== Infinity) {
    lines.push(
      `  if (${shape.fundingMoves ? "true" : "s === 0"}) {`,
      ...(shape.fundingMoves ? [`    host.fundingStep();`] : []),
      ...assets.map((i) => `    rt${i} = ${mk(i, M.Rate)};`),
      `  }`,
    );
  }
  lines.push(
    // a schedule the same at every step is two constants in the loop: no per-step reads, and the funding branches fold
    shape.settlement
      ? `  const settlements = ${shape.settlement.count}, atEnd = ${shape.settlement.atEnd};`
      : `  const settlements = settlementsAt[s], atEnd = settlesAtEnd[s] !== 0;`,
    `  const funding = settlements > 0, atPoint = jumped || funding;`,
    // a jump moves a price at the step's end, a settlement inside the step needs its own price: the host's
    `  const quiet = !jumped && (!funding || atEnd);`,
    `  const t1 = (s + 1) * ${literal(shape.stepHours)} * 3600000;`,
    ...modes.map((m) => quietStep(shape, m)),
    // the host reads the step from its rows: for a loud mode, and the last step's prices for the results
    `  const loudModes = ${modes.map((m) => `(loud${m} ? ${1 << m} : 0)`).join(" | ") || "0"};`,
    `  const lastStep = s === lastS || !anyOpen;`,
    `  if (loudModes !== 0 || lastStep) {`,
    ...assets.map((i) => `    mb[${i * MarketCell.Stride + MarketCell.X0}] = xs${i}; mb[${i * MarketCell.Stride + MarketCell.S0}] = ps${i}; mb[${i * MarketCell.Stride + MarketCell.X}] = x${i}; mb[${i * MarketCell.Stride + MarketCell.S1}] = p${i}; mb[${i * MarketCell.Stride + MarketCell.V}] = v${i};`),
    // every mode's state goes across at a path's last step, loud or not (the host leaves a quiet one as it is, so reading
    // it back changes nothing): each mode's stores and loads below then have V8's type feedback from the first path on,
    // and the optimised loop does not deoptimise at a mode's first loud step (a cross account's comes rarely). That
    // crossing is also the path's end for the host: a path leaves the loop after its last step, or (the break below)
    // after a host step that closed every mode, whose quiet modes were flat since their state last crossed
    ...modes.map((m) => `    if (loud${m} || lastStep) { ${storeLocals(shape, m)} }`),
    // the stream goes across with the step (the host draws from it in no step today; it stays right if one does)
    `    ${storeStream}`,
    `    handOver(host, ${HandOver.Step}, s, jumped, loudModes);`,
    ...(inline ? [`    ${loadStream}`] : []),
    ...modes.map((m) => `    if (loud${m} || lastStep) { ${readLocals(shape, m)} }`),
    `  }`,
    `  if (${sum((m) => `o${m}`)} === 0) break;`,
    `}`,
    `handOver(host, ${HandOver.End}, s, false, 0);`,
  );
  return lines.join("\n");
}

const cell = (i: number, c: SlotCell) => ModeCell.Slots + i * SlotCell.Stride + c;

/** Mode m's locals, read from its state array. */
function modeLocals(shape: CompiledPathShape, m: number): string {
  const slots = range(shape.assets);
  const perSlot = slots.flatMap((i) => [`d${m}_${i} = 0`, `q${m}_${i} = 0`, `en${m}_${i} = 0`, `mg${m}_${i} = 0`, `pe${m}_${i} = 0`, `pp${m}_${i} = 0`,
    ...(shape.isolated[m] ? [`lq${m}_${i} = 0`, `lr${m}_${i} = 0`, `ls${m}_${i} = 0`] : [`sl${m}_${i} = 0`, `gs${m}_${i} = 0`])]);
  return [
    `const st${m} = host.modeState[${m}], br${m} = host.kernels[${m}].bridge;`,
    `let loud${m} = false, f${m} = false, o${m} = 0, w${m} = 0, fp${m} = 0, me${m} = 0, pms${m} = 0, mv${m} = false, ex${m} = 0, c${m} = 0;`,
    `let ${perSlot.join(", ")};`,
    readLocals(shape, m),
  ].join("\n");
}

/** Mode m's locals from its state array (after the host acted, and at the path's start). */
function readLocals(shape: CompiledPathShape, m: number): string {
  const st = `st${m}`;
  const lines = [
    `f${m} = ${st}[${ModeCell.Quiet}] !== 0; o${m} = ${st}[${ModeCell.Open}]; w${m} = ${st}[${ModeCell.Wallet}]; fp${m} = ${st}[${ModeCell.FundingPaid}]; me${m} = ${st}[${ModeCell.MinEquity}];`,
    `pms${m} = ${st}[${ModeCell.PendingMs}]; mv${m} = ${st}[${ModeCell.Moved}] !== 0; ex${m} = ${st}[${ModeCell.Excess}]; c${m} = ${st}[${ModeCell.Constant}];`,
  ];
  for (const i of range(shape.assets)) {
    lines.push(
      `d${m}_${i} = ${st}[${cell(i, SlotCell.Dir)}]; q${m}_${i} = ${st}[${cell(i, SlotCell.Q)}]; en${m}_${i} = ${st}[${cell(i, SlotCell.Entry)}]; mg${m}_${i} = ${st}[${cell(i, SlotCell.Margin)}]; pe${m}_${i} = ${st}[${cell(i, SlotCell.Pending)}]; pp${m}_${i} = ${st}[${cell(i, SlotCell.PendingPrice)}];`,
      shape.isolated[m]
        ? `lq${m}_${i} = ${st}[${cell(i, SlotCell.Liq)}]; lr${m}_${i} = ${st}[${cell(i, SlotCell.LiqRaw)}]; ls${m}_${i} = ${st}[${cell(i, SlotCell.LiqPerMargin)}];`
        : `sl${m}_${i} = ${st}[${cell(i, SlotCell.Slope)}]; gs${m}_${i} = ${st}[${cell(i, SlotCell.GradSlope)}];`,
    );
  }
  return lines.join(" ");
}

/** What mode m's quiet steps move, from its locals into its state array. */
function storeLocals(shape: CompiledPathShape, m: number): string {
  const st = `st${m}`;
  const lines = [
    `${st}[${ModeCell.Wallet}] = w${m}; ${st}[${ModeCell.FundingPaid}] = fp${m}; ${st}[${ModeCell.MinEquity}] = me${m}; ${st}[${ModeCell.PendingMs}] = pms${m}; ${st}[${ModeCell.Moved}] = mv${m} ? 1 : 0; ${st}[${ModeCell.Excess}] = ex${m};`,
  ];
  for (const i of range(shape.assets)) {
    lines.push(`${st}[${cell(i, SlotCell.Margin)}] = mg${m}_${i}; ${st}[${cell(i, SlotCell.Pending)}] = pe${m}_${i}; ${st}[${cell(i, SlotCell.PendingPrice)}] = pp${m}_${i};` +
      (shape.isolated[m] ? ` ${st}[${cell(i, SlotCell.Liq)}] = lq${m}_${i}; ${st}[${cell(i, SlotCell.LiqRaw)}] = lr${m}_${i};` : ""));
  }
  return lines.join(" ");
}

/** Mode m's quiet step on the locals, or `loud${m}` when the host must run its step. */
function quietStep(shape: CompiledPathShape, m: number): string {
  return [
    `  loud${m} = o${m} > 0 && (!quiet || !f${m});`,
    `  if (o${m} > 0 && !loud${m}) {`,
    `    let loud = false;`,
    (shape.isolated[m] ? quietIsolated(shape, m) : quietCross(shape, m)).map((line) => `    ${line}`).join("\n"),
    `    loud${m} = loud;`,
    `  }`,
  ].join("\n");
}

/**
 * An isolated mode's quiet step (FusedMode.checkPositions, then isolatedTail, on the locals): `loud` when
 * a position is near or past its trigger, else the funding, the end check and the equity; committed only
 * when nothing is past its trigger at the end.
 */
export function quietIsolated(shape: CompiledPathShape, m: number): string[] {
  const slots = range(shape.assets);
  const lines: string[] = [];
  // the bridge's uniforms of a step that turns out loud are drawn again by the host: the stream goes back to where the step found it
  lines.push(`let drew = false, bs0 = 0, bs1 = 0, bs2 = 0, bc = 0;`);
  for (const i of slots) {
    const d = `d${m}_${i}`, liq = `lq${m}_${i}`;
    lines.push(
      `if (!loud && ${d} !== 0) {`,
      `  const b0 = ${d} > 0 ? 1 - ${liq} / ps${i} : 1 - ps${i} / ${liq};`,
      `  if (b0 <= 0) loud = true;`,
      `  else {`,
      `    const b1 = ${d} > 0 ? 1 - ${liq} / p${i} : 1 - p${i} / ${liq};`,
      `    if (!(b1 > 0 && 2 * b0 * b1 > ${NEGLIGIBLE_EXPONENT} * v${i})) {`,
      // near the trigger: the bridge on the log distances (FusedMode.nearTrigger, bridge.ts bridgeTouches); a touch is the host's
      `      const ll = Math.log(${liq});`,
      `      const e0 = ${d} > 0 ? xs${i} - ll : ll - xs${i};`,
      `      const e1 = ${d} > 0 ? x${i} - ll : ll - x${i};`,
      `      if (e1 <= 0) loud = true;`,
      `      else {`,
      `        const k = 2 * e0 * e1;`,
      `        if (!(k > ${NEGLIGIBLE_EXPONENT} * v${i})) {`,
      `          if (!drew) { drew = true; bs0 = br${m}.s0; bs1 = br${m}.s1; bs2 = br${m}.s2; bc = br${m}.c; }`,
      `          if (!(br${m}.next() >= Math.exp(-k / v${i}))) loud = true;`,
      `        }`,
      `      }`,
      `    }`,
      `  }`,
      `}`,
    );
  }
  lines.push(`if (!loud) {`, `  let paidSum = fp${m}, e = w${m}, past = false, accrued = false;`);
  for (const i of slots) {
    const d = `d${m}_${i}`, q = `q${m}_${i}`;
    lines.push(
      `  let tmg${i} = mg${m}_${i}, tlq${i} = lq${m}_${i}, tlr${i} = lr${m}_${i}, tpe${i} = pe${m}_${i}, tpp${i} = pp${m}_${i};`,
      `  if (${d} !== 0) {`,
      `    if (funding && rt${i} !== 0) {`,
      `      const paid = (${q} * p${i} * rt${i} * ${literal(shape.settleEvery)}) / 8;`,
      `      paidSum += paid;`,
      `      tpe${i} += paid; tpp${i} = p${i}; accrued = true;`,
      `      tmg${i} -= paid;`,
      `      tlr${i} -= paid * ls${m}_${i};`,
      `      tlq${i} = tlr${i} > 0 ? tlr${i} : 0;`,
      `    }`,
      `    if (atPoint && (${d} > 0 ? p${i} < tlq${i} : p${i} > tlq${i})) past = true;`,
      `    e += tmg${i} + ${q} * (p${i} - en${m}_${i});`,
      `  }`,
    );
  }
  lines.push(
    `  if (past) loud = true;`,
    `  else {`,
    ...slots.map((i) => `    mg${m}_${i} = tmg${i}; lq${m}_${i} = tlq${i}; lr${m}_${i} = tlr${i}; pe${m}_${i} = tpe${i}; pp${m}_${i} = tpp${i};`),
    `    fp${m} = paidSum;`,
    `    if (accrued) { pms${m} = t1; mv${m} = true; }`,
    `    if (e < me${m}) me${m} = e;`,
    `  }`,
    `}`,
    // written whenever the bridge drew, a quiet step's stream back as it is: stores that ran only in the rarer loud step would
    // have no type feedback when the loop is optimised early (tierUp.ts) and deoptimise it the first time they ran
    `if (drew) { br${m}.s0 = loud ? bs0 : br${m}.s0; br${m}.s1 = loud ? bs1 : br${m}.s1; br${m}.s2 = loud ? bs2 : br${m}.s2; br${m}.c = loud ? bc : br${m}.c; }`,
  );
  return lines;
}

/**
 * A cross account's quiet step (FusedMode.checkCrossAccount on the linear pieces, then crossTail, on the
 * locals): `loud` when D = equity − maintenance may have touched 0 in the step, else the funding from the
 * wallet, D and the equity at the end; committed only when D is not below 0 at the end.
 */
export function quietCross(shape: CompiledPathShape, m: number): string[] {
  const slots = range(shape.assets);
  const lines: string[] = [
    `const d0 = ex${m};`,
    `let d1 = w${m} + c${m}, bound = 0;`,
    ...slots.map((i) => `d1 += sl${m}_${i} * p${i}; bound += Math.abs(gs${m}_${i} * ps${i} * Math.sqrt(v${i}));`),
    `if (d0 <= 0 || !(d1 > 0 && 2 * d0 * d1 > ${NEGLIGIBLE_EXPONENT} * bound * bound)) loud = true;`,
    `else {`,
    `  let w = w${m}, paidSum = fp${m}, accrued = false, ex = d1;`,
    ...slots.map((i) => `  let tpe${i} = pe${m}_${i}, tpp${i} = pp${m}_${i};`),
    `  if (funding) {`,
  ];
  for (const i of slots) {
    lines.push(
      `    if (d${m}_${i} !== 0 && rt${i} !== 0) {`,
      `      const paid = (q${m}_${i} * p${i} * rt${i} * ${literal(shape.settleEvery)}) / 8;`,
      `      paidSum += paid; tpe${i} += paid; tpp${i} = p${i}; w -= paid; accrued = true;`,
      `    }`,
    );
  }
  lines.push(`  }`, `  let e = w;`, `  if (atPoint) {`, `    let g = w + c${m};`);
  for (const i of slots) lines.push(`    g += sl${m}_${i} * p${i};`);
  lines.push(`    ex = g;`, `  }`);
  for (const i of slots) lines.push(`  if (d${m}_${i} !== 0) e += mg${m}_${i} + q${m}_${i} * (p${i} - en${m}_${i});`);
  lines.push(
    `  if (ex < 0) loud = true;`,
    `  else {`,
    `    w${m} = w; fp${m} = paidSum; ex${m} = ex;`,
    ...slots.map((i) => `    pe${m}_${i} = tpe${i}; pp${m}_${i} = tpp${i};`),
    `    if (accrued) { pms${m} = t1; mv${m} = true; }`,
    `    if (e < me${m}) me${m} = e;`,
    `  }`,
    `}`,
  );
  return lines;
}
