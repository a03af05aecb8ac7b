import { GbmModel } from "./gbm.ts";
import { TGarchJumpModel } from "./tGarchJump.ts";
import type { ModelSpec, PathModel } from "./types.ts";

/** The model a validated spec describes (one instance per worker; `reset` per path). */
export function createModel(spec: ModelSpec): PathModel {
  switch (spec.type) {
    case "gbm":
      return new GbmModel(spec);
    case "t-garch-jump":
      return new TGarchJumpModel(spec);
  }
}
