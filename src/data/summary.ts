import { listDatasets, type Dataset } from "./catalog.ts";
import { forEachRecord } from "./source.ts";

export interface DatasetSummary extends Dataset {
  rows: number;
  /** first and last row time (ms, as in the file; funding not yet normalised) */
  first: number;
  last: number;
}

/**
 * What `perpsim data list` shows: every dataset of a root with its row count and span. Reads only
 * the time column (no validation: that is `perpsim data validate`).
 */
export async function summariseDatasets(dataDir: string): Promise<DatasetSummary[]> {
  const sets = await listDatasets(dataDir);
  return Promise.all(
    sets.map(async (d) => {
      let rows = 0;
      let first = NaN;
      let last = NaN;
      await forEachRecord(d.path, (f, line) => {
        if (line === 1 && !/^\s*\d/.test(f[0])) return;
        const t = Number(f[0]);
        if (rows++ === 0) first = t;
        last = t;
      });
      return { ...d, rows, first, last };
    }),
  );
}
