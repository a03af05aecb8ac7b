export type { MarginMode } from "../venues/index.ts";
export type Side = "long" | "short";
export type Dir = 1 | -1;

export const sideOf = (dir: number): Side => (dir > 0 ? "long" : "short");
export const dirOf = (side: Side): Dir => (side === "long" ? 1 : -1);
