/** Model `bootstrap`: stationary block bootstrap of the real joint hourly history (issue 7). */
export { BootstrapModel, bootstrapSpec, type BootstrapSpec } from "./bootstrap.ts";
export { BootstrapHistory, bootstrapModelSpec, bootstrapModel, type BootstrapRequest, type BootstrapModelSpec } from "./spec.ts";
