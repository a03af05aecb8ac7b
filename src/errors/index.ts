/**
 * The error room: what every other room may throw when the user is at fault. It imports nothing.
 *
 * `InputError`: a user's mistake (bad file, bad flag, bad config, a strategy that throws). The CLI
 * prints its message as one line and exits with status 1, having written nothing. Messages name the
 * file, line and field where there is one.
 *
 * `ConfigReader`: the small readers that validate a JSON config and raise an `InputError` naming the
 * field path (`<source>: model.assets.BTC.vol: must be > 0`); the stress config and the scenarios use it.
 */
export { InputError } from "./inputError.ts";
export { ConfigReader, join as fieldPath } from "./configFields.ts";
