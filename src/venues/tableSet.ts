import { InputError } from "../market/index.ts";
import { GENERIC_TIERS } from "./tiers.ts";
import { symbolKeys } from "./symbols.ts";
import type { SymbolTable, TableChoice, VenueTableFile } from "./tableTypes.ts";

const DAY = 86_400_000;
/** A run warns when a bar lies more than this far from the date of the table it runs on. */
export const STALE_AFTER_DAYS = 365;

const GENERIC: SymbolTable = Object.freeze({
  symbol: null, tiers: GENERIC_TIERS, tick: { kind: "unknown" } as const, unsourced: ["generic table (20x to 1M, 10x to 5M, 5x to 20M, 2x beyond): not the venue's"], notes: [],
});

/** The stretch of a run that one table covers, for settings and the staleness warning. */
export interface TableSpan {
  readonly id: string;
  readonly asOf: string;
  readonly from: number;
  readonly to: number;
  /** the farthest any bar of the span lies from the table's date, in days */
  readonly maxDistanceDays: number;
}

/**
 * A venue's dated tables. The table in force for a symbol at time t is the newest file holding the
 * symbol whose asOf ≤ t; before every file's date, the oldest such file (a run that far back is
 * warned about); with no time, the newest. A symbol in no file runs on the newest file's default
 * table, else a generic one, flagged unsourced.
 */
export class VenueTables {
  private readonly files: VenueTableFile[];
  private readonly indexes: Map<string, string>[];
  private readonly cache = new Map<string, TableChoice[]>();

  constructor(readonly venue: string, files: readonly VenueTableFile[]) {
    for (const f of files) if (f.venue !== venue) throw new InputError(`${f.file}: venue: is "${f.venue}", expected "${venue}"`);
    this.files = [...files].sort((a, b) => a.asOfMs - b.asOfMs || (a.id < b.id ? -1 : 1));
    const ids = new Set<string>();
    for (const f of this.files) {
      if (ids.has(f.id)) throw new InputError(`${f.file}: id: "${f.id}" is used by another ${venue} table`);
      ids.add(f.id);
    }
    this.indexes = this.files.map((f) => {
      const m = new Map<string, string>();
      for (const name of f.symbols.keys()) for (const k of symbolKeys(name)) if (!m.has(k)) m.set(k, name);
      return m;
    });
  }

  get all(): readonly VenueTableFile[] {
    return this.files;
  }

  /** The same venue's tables plus more files (a user's `venues update` output). */
  with(files: readonly VenueTableFile[]): VenueTables {
    return new VenueTables(this.venue, [...this.files, ...files]);
  }

  /** Every table that holds the symbol, oldest first (a default choice when none does). */
  candidates(symbol: string): TableChoice[] {
    const keys = symbolKeys(symbol);
    const cacheKey = keys[0];
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    const out: TableChoice[] = [];
    this.files.forEach((f, i) => {
      const name = keys.map((k) => this.indexes[i].get(k)).find((n) => n !== undefined);
      if (name !== undefined) out.push(choice(f, f.symbols.get(name)!));
    });
    if (out.length === 0) {
      const newest = this.files[this.files.length - 1];
      if (!newest) throw new InputError(`${this.venue}: no tables`);
      const fallback = [...this.files].reverse().find((f) => f.defaultTable !== null);
      out.push(fallback ? choice(fallback, fallback.defaultTable!) : choice(newest, GENERIC));
    }
    this.cache.set(cacheKey, out);
    return out;
  }

  /**
   * The table in force for a symbol at `time` (epoch ms); undated (no time, or time ≤ 0, as the
   * engine's own tests and synthetic paths that start at 0 give) means the newest.
   */
  choose(symbol: string, time?: number): TableChoice {
    const c = this.candidates(symbol);
    if (time === undefined || time <= 0) return c[c.length - 1];
    let k = 0;
    for (let i = 1; i < c.length; i++) if (c[i].asOfMs <= time) k = i;
    return c[k];
  }

  /** Times at which a symbol's table changes (the asOf of every table after its first). */
  boundaries(symbol: string): number[] {
    return this.candidates(symbol).slice(1).map((c) => c.asOfMs);
  }

  /** The tables a run from `from` to `to` uses for a symbol, each with the stretch it covers. */
  spans(symbol: string, from: number, to: number): TableSpan[] {
    const c = this.candidates(symbol);
    const out: TableSpan[] = [];
    let start = from;
    while (start <= to) {
      const t = this.choose(symbol, start);
      const next = c.find((x) => x.asOfMs > start && x.asOfMs > t.asOfMs && x.asOfMs <= to);
      const end = next ? next.asOfMs - 1 : to;
      const far = Math.max(Math.abs(start - t.asOfMs), Math.abs(end - t.asOfMs));
      out.push({ id: t.id, asOf: t.asOf, from: start, to: end, maxDistanceDays: far / DAY });
      if (!next) break;
      start = next.asOfMs;
    }
    return out;
  }
}

function choice(f: VenueTableFile, t: SymbolTable): TableChoice {
  // the liquidation rule's own unsourced figures (a fee rate the engine charges) count too, once; a
  // symbol charged its own sourced fee does not run on the default rate they flag ("feeRate: ..."), nor a
  // symbol with its own tick on the file's missing ticks ("tickSize ...")
  const ruleNotes = [...new Set(Object.values(f.liquidationLoss).flatMap((l) => l.unsourced))];
  const loss = ruleNotes.filter((u) => !(t.liquidationFee && u.startsWith("feeRate:"))).map((u) => `liquidation loss: ${u}`);
  return Object.freeze({
    id: f.id, asOf: f.asOf, asOfMs: f.asOfMs, source: f.source, file: f.file,
    venueSymbol: t.symbol, table: t, liquidationLoss: f.liquidationLoss, symbolFee: t.liquidationFee ?? null,
    feeUnsourced: f.perSymbolFees && t.liquidationFee === undefined,
    unsourced: [...f.unsourced.filter((u) => !(t.tick.kind === "tick" && u.startsWith("tickSize"))), ...t.unsourced.map((u) => (t.symbol ? `${t.symbol}: ${u}` : u)), ...defaultFeeNote(f, t), ...loss],
  });
}

/** where the venue charges a fee per symbol but this symbol has none in the file, the default it runs on is a stand-in */
function defaultFeeNote(f: VenueTableFile, t: SymbolTable): string[] {
  if (!f.perSymbolFees || t.liquidationFee !== undefined) return [];
  const rates = [...new Set(Object.values(f.liquidationLoss).map((l) => `${+(l.feeRate * 100).toPrecision(6)} %`))].join(" / ");
  return [`${t.symbol ?? "this symbol"}: liquidation fee: no per-symbol rate sourced in ${f.id}; the venue default ${rates} is charged`];
}

/** The settings line and the warning (if any) for the tables a run used. */
export function describeSpans(symbol: string, spans: readonly TableSpan[]): { setting: string; warning: string | null } {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const setting = spans.map((s) => `${s.id} (asOf ${s.asOf}) for ${day(s.from)}..${day(s.to)}`).join("; ");
  const far = spans.filter((s) => s.maxDistanceDays > STALE_AFTER_DAYS);
  const warning = far.length === 0 ? null
    : `${symbol}: ${far.map((s) => `table ${s.id} (asOf ${s.asOf}) is used ${Math.round(s.maxDistanceDays)} days from its date`).join("; ")} (more than ${STALE_AFTER_DAYS} days: margin tiers change; add a dated table with perpsim venues update)`;
  return { setting, warning };
}
