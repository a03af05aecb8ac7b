/** The command line: `main(argv)` dispatches to src/cli/commands/<name>.ts and returns the exit code. */
export { main } from "./main.ts";
