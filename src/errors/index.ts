/**
 * The error room: what every other room may throw when the user is at fault. It imports nothing.
 *
 * `InputError`: a user's mistake (bad file, bad flag, bad config, a strategy that throws). The CLI
 * prints its message as one line and exits with status 1, having written nothing. Messages name the
 * file, line and field where there is one.
 */
export class InputError extends Error {
  override name = "InputError";
}
