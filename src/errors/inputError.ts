/** A user's mistake: the CLI prints its message as one line and exits with status 1, having written nothing. */
export class InputError extends Error {
  override name = "InputError";
}
