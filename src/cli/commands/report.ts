import { InputError } from "../../market/errors.ts";

export async function run(_argv: string[]): Promise<number> {
  throw new InputError("'report' is not built yet");
}
