/**
 * A small progress reporter for long commands. On a terminal: one line redrawn in place, a bar with
 * percent, counters and ETA. Otherwise (CI, a pipe, a log file): a plain line every `everyMs`, so a log
 * shows the run is alive without filling up. `log` prints a line above the bar either way.
 */
import { grouped } from "../results/index.ts";

export interface ProgressState {
  /** 0..1 */
  fraction: number;
  /** e.g. { files: "2/6", rows: 12345 } */
  counters?: Record<string, string | number>;
  /** what is being worked on */
  label?: string;
}

export interface Progress {
  update(state: ProgressState): void;
  log(line: string): void;
  /** draw the final state and end the line */
  finish(): void;
}

export interface ProgressOptions {
  /** where to draw; default process.stderr */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** a word before the bar, e.g. "fetch" */
  title: string;
  /** force the terminal or the plain form; default: the stream's isTTY */
  tty?: boolean;
  /** plain form: a line at most this often; default 5 s */
  everyMs?: number;
  /** the clock; tests pass their own */
  now?: () => number;
}

const BAR = 24;
const REDRAW_MS = 100;

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  const now = opts.now ?? Date.now;
  const everyMs = opts.everyMs ?? 5000;
  const started = now();
  let state: ProgressState = { fraction: 0 };
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;

  const text = (): string => {
    const f = Math.max(0, Math.min(1, state.fraction));
    const counters = Object.entries(state.counters ?? {}).map(([k, v]) => `${k} ${typeof v === "number" ? grouped(v) : v}`);
    const eta = etaText(now() - started, f);
    const parts = [`${Math.floor(f * 100)}%`.padStart(4), ...counters, eta, state.label ?? ""].filter(Boolean);
    if (!tty) return `${opts.title}: ${parts.join("  ")}`;
    const filled = Math.round(f * BAR);
    const line = `${opts.title} [${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${parts.join("  ")}`;
    const width = stream.columns ?? 100;
    return line.length >= width ? `${line.slice(0, width - 2)}…` : line;
  };

  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < (tty ? REDRAW_MS : everyMs)) return;
    lastDraw = t;
    if (tty) {
      stream.write(`\r\x1b[2K${text()}`);
      drawn = true;
    } else stream.write(`${text()}\n`);
  };

  return {
    update(s) {
      state = s;
      // the plain form waits a full period before its first line: short runs stay quiet
      if (!tty && lastDraw === -Infinity) lastDraw = started;
      draw(false);
    },
    log(line) {
      if (tty && drawn) stream.write("\r\x1b[2K");
      stream.write(`${line}\n`);
      if (tty && drawn) draw(true);
    },
    finish() {
      if (finished) return; // idempotent: a caller may finish on success and again in its finally
      finished = true;
      if (tty) {
        draw(true);
        stream.write("\n");
      }
    },
  };
}

/** "ETA 1m 20s" from the time spent and the fraction done; blank until there is something to go on. */
export function etaText(elapsedMs: number, fraction: number): string {
  if (!(fraction > 0.001) || fraction >= 1 || elapsedMs < 1000) return "";
  const left = (elapsedMs * (1 - fraction)) / fraction / 1000;
  if (left < 60) return `ETA ${Math.ceil(left)}s`;
  if (left < 3600) return `ETA ${Math.floor(left / 60)}m ${Math.round(left % 60)}s`;
  return `ETA ${Math.floor(left / 3600)}h ${Math.round((left % 3600) / 60)}m`;
}
