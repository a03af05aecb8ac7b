import { InputError } from "../../market/errors.ts";

export async function run(_argv: string[]): Promise<number> {
  throw new InputError("'calibrate' is not built yet");
}
