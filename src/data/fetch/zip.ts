import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import { InputError } from "../../market/index.ts";

/**
 * The sha256 a Binance `.CHECKSUM` file names for `zipName`: `sha256sum` output, "<64 hex>  <name>".
 * Anything else is a malformed checksum file.
 */
export function parseChecksum(text: string, zipName: string, checksumUrl: string): string {
  const m = /^\s*([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(text);
  if (!m) throw new InputError(`${checksumUrl}: not a checksum file (expected '<sha256>  ${zipName}')`);
  if (m[2] !== zipName) throw new InputError(`${checksumUrl}: names ${m[2]}, not ${zipName}`);
  return m[1].toLowerCase();
}

/** Refuse a download whose sha256 is not the one its `.CHECKSUM` states. */
export function verifySha256(body: Uint8Array, expected: string, zipUrl: string): void {
  const actual = createHash("sha256").update(body).digest("hex");
  if (actual !== expected) throw new InputError(`${zipUrl}: sha256 ${actual} does not match its .CHECKSUM (${expected}); refused, nothing written`);
}

/** The text of the one CSV inside an archive zip (fflate); a zip with none, or several, is refused. */
export function csvFromZip(body: Uint8Array, zipUrl: string): string {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(body, { filter: (f) => f.name.toLowerCase().endsWith(".csv") });
  } catch (err) {
    throw new InputError(`${zipUrl}: not a readable zip (${(err as Error).message})`);
  }
  const names = Object.keys(files);
  if (names.length !== 1) throw new InputError(`${zipUrl}: expected one .csv inside, found ${names.length}`);
  return new TextDecoder("utf-8").decode(files[names[0]]);
}
