/**
 * An error the user caused (bad file, bad flag, bad config). The CLI prints its message as one
 * line and exits with status 1. Messages name the file, line and field where there is one.
 */
export class InputError extends Error {
  override name = "InputError";
}
