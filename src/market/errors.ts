// InputError lives in the errors room (src/errors/); this path stays so imports of it keep working.
export { InputError } from "../errors/index.ts";
