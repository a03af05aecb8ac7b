/** The command line: `main(argv)` dispatches to src/cli/commands/<name>.ts and returns the exit code. */
export { main } from "./main.ts";
export { COMMAND_V8_FLAGS, DEFAULT_V8_FLAGS, KERNEL_V8_FLAGS } from "./v8Flags.ts";
export { saveCodeCachesUnderTheirFlags, setV8Flags } from "./kernelFlags.ts";
