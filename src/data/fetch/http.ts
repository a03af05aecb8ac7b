import { InputError } from "../../market/index.ts";

/** What a venue parser sees of one HTTP response. */
export interface HttpReply {
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Thrown by a reply parser to ask for the request again (a venue's "too many requests" in a 200 body). */
export class RetryLater extends Error {
  constructor(message: string, readonly afterMs?: number) {
    super(message);
  }
}

export interface HttpOptions {
  /** requests in flight at once (all venues, all series); default 4 */
  concurrency?: number;
  /** retries after the first attempt; default 5 */
  retries?: number;
  /** first backoff; doubles each retry (plus up to 25 % jitter); default 1000 ms */
  baseDelayMs?: number;
  /** every wait (backoff, Retry-After, weight pause) is multiplied by this; tests use a small value. Default: env PERPSIM_FETCH_DELAY_SCALE or 1 */
  delayScale?: number;
  /** per-request timeout; default 60 s */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** told of every wait: how long (unscaled, ms) and why */
  onWait?: (ms: number, reason: string) => void;
  /** counted requests (for the summary) */
  onRequest?: (url: string) => void;
}

/** Binance's request-weight budget per minute for USD-M futures (per IP). */
const BINANCE_WEIGHT_LIMIT = 2400;
const BINANCE_WEIGHT_PAUSE_AT = 0.9;

/**
 * A small polite HTTP client on Node's built-in fetch: bounded concurrency, retries with exponential
 * backoff on 429, 418, 5xx and dropped connections, `Retry-After` honoured, and a pause until the next
 * minute when Binance's `X-MBX-USED-WEIGHT-1M` nears the limit. After the last retry: one-line InputError.
 */
export class HttpClient {
  private readonly concurrency: number;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  readonly delayScale: number;
  private readonly timeoutMs: number;
  private active = 0;
  private readonly queue: (() => void)[] = [];
  /** no request starts before this time (a weight pause) */
  private pausedUntil = 0;

  constructor(private readonly opts: HttpOptions = {}) {
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.retries = Math.max(0, opts.retries ?? 5);
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    const envScale = Number(process.env.PERPSIM_FETCH_DELAY_SCALE);
    this.delayScale = opts.delayScale ?? (Number.isFinite(envScale) && envScale >= 0 && process.env.PERPSIM_FETCH_DELAY_SCALE ? envScale : 1);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /** GET or POST `url`, handing each reply to `parse`; retried as described above. */
  async request<T>(url: string, init: { method?: "GET" | "POST"; json?: unknown }, parse: (r: HttpReply) => T): Promise<T> {
    let lastProblem = "";
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      let waitMs: number | undefined;
      try {
        const reply = await this.once(url, init);
        if (reply.status === 429 || reply.status === 418 || reply.status >= 500) {
          lastProblem = `HTTP ${reply.status}${reply.status === 418 ? " (IP banned for too many requests)" : ""}`;
          waitMs = retryAfterMs(reply.headers);
        } else {
          return parse(reply);
        }
      } catch (err) {
        if (this.opts.signal?.aborted) throw abortError(this.opts.signal);
        if (err instanceof RetryLater) {
          lastProblem = err.message;
          waitMs = err.afterMs;
        } else if (isNetworkError(err)) {
          lastProblem = networkProblem(err);
        } else throw err;
      }
      if (attempt === this.retries) break;
      const backoff = this.baseDelayMs * 2 ** attempt * (1 + Math.random() * 0.25);
      const wait = waitMs ?? backoff;
      this.opts.onWait?.(wait, `${lastProblem} from ${shortUrl(url)}; retry ${attempt + 1}/${this.retries}`);
      await sleep(wait * this.delayScale, this.opts.signal);
    }
    throw new InputError(`${url}: ${lastProblem} after ${this.retries} retries; try again later`);
  }

  private async once(url: string, init: { method?: "GET" | "POST"; json?: unknown }): Promise<HttpReply> {
    await this.acquire();
    try {
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) await sleep(pause, this.opts.signal);
      this.opts.onRequest?.(url);
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;
      const res = await fetch(url, {
        method: init.method ?? "GET",
        headers: init.json !== undefined ? { "content-type": "application/json", accept: "application/json" } : { accept: "*/*" },
        body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
        signal,
      });
      const body = Buffer.from(await res.arrayBuffer());
      this.noteWeight(res.headers, url);
      return { url, status: res.status, headers: res.headers, body };
    } finally {
      this.release();
    }
  }

  /** Binance reports the weight used this minute; near the limit, hold every request until the minute turns. */
  private noteWeight(headers: Headers, url: string): void {
    const used = Number(headers.get("x-mbx-used-weight-1m"));
    if (!(used >= BINANCE_WEIGHT_LIMIT * BINANCE_WEIGHT_PAUSE_AT)) return;
    const now = Date.now();
    const wait = 60_000 - (now % 60_000) + 1000;
    this.opts.onWait?.(wait, `Binance request weight ${used}/${BINANCE_WEIGHT_LIMIT} this minute (${shortUrl(url)}); pausing until the next minute`);
    this.pausedUntil = Math.max(this.pausedUntil, now + wait * this.delayScale);
  }

  private acquire(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(() => (this.active++, resolve())));
  }

  private release(): void {
    this.active--;
    this.queue.shift()?.();
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(headers: Headers): number | undefined {
  const v = headers.get("retry-after");
  if (v === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

function isNetworkError(err: unknown): boolean {
  const e = err as Error & { cause?: { code?: string }; code?: string };
  return e instanceof TypeError || e?.name === "TimeoutError" || e?.name === "AbortError" || typeof e?.cause?.code === "string" || e?.code === "ECONNRESET";
}

function networkProblem(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return "no answer (timeout)";
  const code = e.cause?.code ?? e.cause?.message ?? e.message;
  return `connection failed (${code})`;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("aborted");
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function shortUrl(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}
