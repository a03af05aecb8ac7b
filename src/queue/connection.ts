import type { ConnectionOptions } from "bullmq";
import { isIP } from "node:net";
import { Redis, type RedisOptions } from "ioredis";
import { InputError } from "../errors/index.ts";
import type { RedisTarget } from "./url.ts";

/**
 * ioredis options for a target. `giveUpAfterMs` bounds reconnecting: a coordinator fails the run when
 * Redis is gone that long; a worker (undefined) keeps trying, so it survives a Redis restart.
 */
export function redisOptions(t: RedisTarget, giveUpAfterMs?: number, stopped: () => boolean = () => false): RedisOptions {
  const started = { at: 0 };
  return {
    host: t.host, port: t.port, db: t.db, username: t.username, password: t.password,
    ...(t.tls ? { tls: isIP(t.host) ? {} : { servername: t.host } } : {}), // SNI takes names, not addresses
    connectTimeout: 5000,
    maxRetriesPerRequest: null, // BullMQ's blocking commands need it; loss is detected by retryStrategy giving up
    retryStrategy: (times: number) => {
      if (times === 1) started.at = Date.now();
      if (stopped() || (giveUpAfterMs !== undefined && Date.now() - started.at > giveUpAfterMs)) return null;
      return Math.min(1000, 100 * times);
    },
  };
}

/** Why the last connection attempt failed, in a few words. */
function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e?.code && e.message?.includes(e.code) ? e.message : [e?.code, e?.message].filter(Boolean).join(" ")) || String(err);
}

/**
 * A connected client, or a one-line InputError naming the URL and the reason (refused, unknown host,
 * wrong password, TLS). `onLost` is called once if the connection goes for good later.
 */
export async function connectRedis(t: RedisTarget, giveUpAfterMs: number, onLost?: (why: string) => void, stopped?: () => boolean): Promise<Redis> {
  const redis = new Redis({ ...redisOptions(t, giveUpAfterMs, stopped), lazyConnect: true });
  let last = "connection closed";
  redis.on("error", (err: unknown) => (last = reason(err)));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new InputError(`cannot reach Redis at ${t.display}: ${last !== "connection closed" ? last : reason(err)}`);
  }
  redis.once("end", () => onLost?.(last));
  return redis;
}

/** The same options, as BullMQ's Queue, QueueEvents and Worker take them (each opens its own connections). */
export function bullConnection(t: RedisTarget, giveUpAfterMs?: number, stopped?: () => boolean): ConnectionOptions {
  return redisOptions(t, giveUpAfterMs, stopped) as ConnectionOptions;
}
