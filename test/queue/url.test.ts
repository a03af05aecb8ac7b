import { describe, expect, it } from "vitest";
import { parseRedisUrl } from "../../src/queue/index.ts";

describe("--queue URL", () => {
  it("reads host, port, database, user and password, TLS from rediss://", () => {
    expect(parseRedisUrl("redis://127.0.0.1:6380/2")).toMatchObject({ host: "127.0.0.1", port: 6380, db: 2, tls: false });
    const t = parseRedisUrl("rediss://perpsim:s%40cret@redis.example:6390");
    expect(t).toMatchObject({ host: "redis.example", port: 6390, db: 0, tls: true, username: "perpsim", password: "s@cret" });
    expect(t.display).toBe("rediss://perpsim:***@redis.example:6390"); // the password never reaches a message
    expect(parseRedisUrl("redis://localhost")).toMatchObject({ port: 6379, db: 0 });
    expect(parseRedisUrl("redis://[::1]:7000")).toMatchObject({ host: "::1", port: 7000 });
  });

  it.each([
    ["http://127.0.0.1:6379", /scheme 'http' is not redis or rediss/],
    ["127.0.0.1:6379", /scheme '127.0.0.1' is not redis or rediss|not a URL/],
    ["redis://host:6379/x", /database 'x' is not a number 0 to 15/],
    ["redis://host:6379/16", /database '16'/],
    ["redis://host:6379?db=1", /query strings/],
    ["redis://:pw@/", /no host|not a URL/],
  ])("%s is refused", (url, why) => {
    expect(() => parseRedisUrl(url)).toThrow(why);
  });

  it("a refused URL's message hides its password", () => {
    expect(() => parseRedisUrl("redis://u:topsecret@host:6379/x")).toThrow(/redis:\/\/u:\*\*\*@host/);
    expect(() => parseRedisUrl("redis://u:topsecret@host:6379/x")).not.toThrow(/topsecret/);
  });
});
