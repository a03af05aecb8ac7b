import { describe, expect, it } from "vitest";
import { startStressThreadsAhead, stressThreadShape } from "../../src/cli/stressAhead.ts";
import { StressPool } from "../../src/stress/index.ts";

/*
 * The compiled CLI starts `perpsim stress`'s pool threads before it loads the command (src/cli/stressAhead.ts);
 * the command's pool takes them only when its shape (threads, heap limit) is the one read here from the
 * command line. A wrong reading costs threads started for nothing (or none started ahead), so the reading is
 * checked against what the command itself would start.
 */
const config = ["--config", "bench/ssw.json", "--paths", "1000"];

describe("stress threads started ahead: the shape read off the command line", () => {
  it("is the command's default pool when no flag says otherwise: every core, the default heap limit", () => {
    const pool = new StressPool(2); // what the command builds for --workers unset on 2 cores (memory unset)
    expect(stressThreadShape(config, 2)).toEqual({ workers: pool.workers, memoryMb: pool.memoryMb });
    expect(stressThreadShape(config, 4)).toEqual({ workers: 4, memoryMb: pool.memoryMb });
  });

  it("takes --workers and --max-memory in both spellings, the last one given", () => {
    expect(stressThreadShape([...config, "--workers", "2", "--max-memory", "512"], 4)).toEqual({ workers: 2, memoryMb: 512 });
    expect(stressThreadShape([...config, "--workers=3", "--max-memory=700"], 4)).toEqual({ workers: 3, memoryMb: 700 });
    expect(stressThreadShape([...config, "--workers", "4", "--out", "x", "--workers", "2"], 4)).toEqual({ workers: 2, memoryMb: new StressPool(2).memoryMb });
  });

  it("starts nothing where the command starts no pool threads or refuses the flags", () => {
    expect(stressThreadShape([...config, "--workers", "1"], 2)).toBeNull(); // a portfolio on one worker runs in the main thread
    expect(stressThreadShape(config, 1)).toBeNull();
    expect(stressThreadShape([...config, "--workers", "3"], 2)).toBeNull(); // more than the cores: refused without --force
    expect(stressThreadShape([...config, "--queue", "redis://127.0.0.1:6379"], 2)).toBeNull(); // the queue's workers simulate
    expect(stressThreadShape([...config, "--queue=redis://127.0.0.1:6379"], 2)).toBeNull();
    expect(stressThreadShape([...config, "--help"], 2)).toBeNull();
    expect(stressThreadShape([...config, "-h"], 2)).toBeNull();
    expect(stressThreadShape([...config, "--workers", "two"], 2)).toBeNull();
    expect(stressThreadShape([...config, "--max-memory", "32"], 2)).toBeNull(); // below the command's 64 MB floor
    expect(stressThreadShape([...config, "--workers"], 2)).toBeNull(); // a flag without its value
  });
});

describe("stress threads started ahead: the V8 flags", () => {
  it("are set when asked, at once, when no thread starts here (under tsx nothing starts ahead; the compiled CLI's gate is threads/tuning.ts's test)", async () => {
    let tuned = 0;
    const ahead = startStressThreadsAhead(config);
    expect(tuned).toBe(0);
    ahead.tune(() => tuned++);
    expect(tuned).toBe(1);
    await ahead.stop();
    expect(tuned).toBe(1);
  });
});
