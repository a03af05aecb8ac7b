import { InputError } from "../errors/index.ts";

/** Where the queue's Redis is, as ioredis takes it; `display` is the URL with any password masked (for messages). */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** rediss:// — TLS, the server's certificate checked against the system's CAs (NODE_EXTRA_CA_CERTS adds one) */
  tls: boolean;
  display: string;
}

/**
 * `redis://[user:pass@]host:port[/db]` or `rediss://…` (TLS) → the connection's parts. Anything else is
 * a one-line InputError naming the flag: a run must not start against a Redis it half understood.
 */
export function parseRedisUrl(text: string, flag = "--queue"): RedisTarget {
  const fail = (why: string): never => {
    throw new InputError(`${flag} ${JSON.stringify(masked(text))}: ${why} (expected redis://[user:pass@]host:port[/db] or rediss:// for TLS)`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("not a URL");
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") fail(`scheme '${url.protocol.replace(/:$/, "")}' is not redis or rediss`);
  if (!url.hostname) fail("no host");
  if (url.search || url.hash) fail("query strings and fragments are not read");
  const port = url.port === "" ? 6379 : Number(url.port);
  if (!Number.isSafeInteger(port) || port < 1 || port > 65535) fail(`port '${url.port}' is not 1 to 65535`);
  const path = url.pathname.replace(/^\//, "");
  const db = path === "" ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isSafeInteger(db) || db > 15) fail(`database '${path}' is not a number 0 to 15`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1"); // IPv6 literals come bracketed
  return {
    host, port, db, tls: url.protocol === "rediss:",
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    display: masked(text),
  };
}

/** The URL with its password replaced by `***`, for messages and logs. */
function masked(text: string): string {
  return text.replace(/^(rediss?:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}
