/**
 * Recorded crashes as anchor points: hours after the crash starts and the price move from the start
 * (simple return), per base asset. Figures are from ../shared/reference/montecarlo.md §4 (intraday
 * peak-to-trough) and, for BTC, ETH and SOL, the shipped Binance USD-M 1h **mark-price** candles
 * (what triggers liquidation): the peak-to-trough and its hours (test/scenarios/scenarios.test.ts re-reads them). `other` applies to any asset not listed
 * (alts). Recovery anchors are stated assumptions where §4 gives none.
 */
export interface CrashAnchor {
  hour: number;
  move: Readonly<Record<string, number>>;
}

export interface CrashPreset {
  name: string;
  date: string;
  description: string;
  anchors: readonly CrashAnchor[];
  /** funding per 8h seen at the time (BTC/ETH perps), held from the start for `fundingHours` */
  fundingPer8h: number;
  fundingHours: number;
}

export const CRASHES: Readonly<Record<string, CrashPreset>> = {
  "covid-2020-03-12": {
    name: "covid-2020-03-12",
    date: "2020-03-12",
    description: "Black Thursday: BTC −52 %, ETH −55 % in two legs over 26 h (mark price, 2020-03-12 00:00 → 03-13 02:00 UTC); funding at the −0.30 % cap",
    anchors: [
      { hour: 11, move: { BTC: -0.22, ETH: -0.27, other: -0.3 } },
      { hour: 26, move: { BTC: -0.52, ETH: -0.555, other: -0.6 } },
      { hour: 50, move: { BTC: -0.38, ETH: -0.45, other: -0.5 } },
    ],
    fundingPer8h: -0.003,
    fundingHours: 24,
  },
  "may-2021-05-19": {
    name: "may-2021-05-19",
    date: "2021-05-19",
    description: "China ban sell-off: BTC −32 %, ETH −48.5 % in 13 h (mark), alts −50 %; half recovered by the close",
    anchors: [
      { hour: 13, move: { BTC: -0.32, ETH: -0.485, other: -0.5 } },
      { hour: 24, move: { BTC: -0.16, ETH: -0.24, other: -0.28 } },
    ],
    fundingPer8h: -0.0005,
    fundingHours: 24,
  },
  "ftx-2022-11": {
    name: "ftx-2022-11",
    date: "2022-11-07",
    description: "FTX collapse: BTC −26 %, ETH −33 % in 68 h (mark), SOL −39 % on 11/9 and −60 % over the week",
    anchors: [
      { hour: 44, move: { BTC: -0.12, ETH: -0.15, SOL: -0.3, other: -0.25 } },
      { hour: 68, move: { BTC: -0.26, ETH: -0.33, SOL: -0.5, other: -0.45 } },
      { hour: 168, move: { BTC: -0.22, ETH: -0.27, SOL: -0.6, other: -0.5 } },
    ],
    fundingPer8h: -0.0005,
    fundingHours: 168,
  },
  "yen-2024-08-05": {
    name: "yen-2024-08-05",
    date: "2024-08-04",
    description: "Yen carry unwind: BTC −19.5 %, ETH −27 %, SOL −24 % in 18 h (mark, from 2024-08-04 12:00 UTC)",
    anchors: [
      { hour: 18, move: { BTC: -0.195, ETH: -0.27, SOL: -0.24, other: -0.25 } },
      { hour: 42, move: { BTC: -0.1, ETH: -0.15, SOL: -0.12, other: -0.15 } },
    ],
    fundingPer8h: -0.0001,
    fundingHours: 24,
  },
  "tariff-2025-10-10": {
    name: "tariff-2025-10-10",
    date: "2025-10-10",
    description: "10/10 tariff shock: BTC −16.5 %, ETH −22 %, SOL −36 % (mark, 13:00 → 21:00 UTC), alts −70 % within the hour; 70 % recovered in 3 h",
    anchors: [
      { hour: 7, move: { BTC: -0.02, ETH: -0.03, SOL: -0.04, other: -0.05 } },
      { hour: 8, move: { BTC: -0.165, ETH: -0.22, SOL: -0.36, other: -0.7 } },
      { hour: 11, move: { BTC: -0.05, ETH: -0.066, SOL: -0.108, other: -0.21 } },
    ],
    fundingPer8h: -0.0005,
    fundingHours: 24,
  },
};

export function crashMove(anchor: CrashAnchor, baseAsset: string): number {
  return anchor.move[baseAsset] ?? anchor.move.other;
}
