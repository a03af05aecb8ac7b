"""
An independent numpy version of the standard stress workload (bench/ssw.json), the reference the
stress bench compares against: 10,000 paths x 2,160 hourly steps x 3 assets, multivariate Student-t
shocks (nu = 4, one shared chi-square per step), hourly constant funding, and both margin modes on
the same shocks -- isolated legs checked with the log-price Brownian-bridge crossing probability,
the cross account with the arithmetic bridge on equity minus maintenance (variance g'Cg) -- and the
minimum equity of each mode. Vectorised across paths, float64, numpy's own generator: the same work,
not the same random numbers.

    python3 bench/ssw_numpy.py bench/ssw.json [PATHS]

prints one JSON line: paths, steps, assets, wall and CPU seconds, asset-steps per second, and the
liquidated-path counts per mode (a sanity figure: they should be close to the TypeScript runner's, not equal).
"""
import json
import sys
import time

import numpy as np

HOURS_PER_YEAR = 365 * 24


def main() -> None:
    cfg = json.load(open(sys.argv[1]))
    paths = int(sys.argv[2]) if len(sys.argv) > 2 else cfg["paths"]
    wall0, cpu0 = time.perf_counter(), time.process_time()

    names = [leg["symbol"] for leg in cfg["portfolio"]]
    assets = cfg["model"]["assets"]
    n = len(names)
    vol = np.array([assets[s].get("diffusionVol", assets[s].get("vol")) for s in names])
    price0 = np.array([assets[s]["price"] for s in names], dtype=float)
    corr = np.array(cfg["model"]["correlation"], dtype=float)
    chol = np.linalg.cholesky(corr)
    nu = cfg["model"]["nu"]
    mmr = cfg["venue"]["maintenanceMarginRate"]
    balance = cfg["initialBalance"]
    steps = int(cfg["horizonHours"] * 60 / cfg["stepMinutes"])
    dt = cfg["stepMinutes"] / 60 / HOURS_PER_YEAR
    rate_per_step = cfg["funding"]["ratePer8h"] * (cfg["stepMinutes"] / 60) / 8

    direction = np.array([1.0 if leg["side"] == "long" else -1.0 for leg in cfg["portfolio"]])
    margin0 = np.array([balance * leg["weight"] for leg in cfg["portfolio"]])
    size = margin0 * np.array([leg["leverage"] for leg in cfg["portfolio"]]) / price0
    q = direction * size
    base_var = vol * vol * dt
    rng = np.random.default_rng(cfg["seed"])

    x = np.tile(np.log(price0), (paths, 1))
    s0 = np.tile(price0, (paths, 1))
    # isolated: margin and linear liquidation price per leg; alive masks
    iso_margin = np.tile(margin0, (paths, 1))
    iso_alive = np.ones((paths, n), dtype=bool)

    def iso_liq(m):  # liquidation price where margin + q (p - entry) = mmr size p
        return (q * price0 - m) / (q - mmr * size)

    liq = iso_liq(iso_margin)
    iso_min = np.full(paths, float(balance))
    # cross: one wallet, every leg against it
    wallet = np.full(paths, float(balance))
    cross_alive = np.ones(paths, dtype=bool)
    cross_min = np.full(paths, float(balance))
    d_prev = wallet - mmr * (size * s0).sum(axis=1)
    cross_liqs = 0
    iso_liqs = 0

    for _ in range(steps):
        w = rng.chisquare(nu, paths)
        mix = (nu - 2) / w
        z = rng.standard_normal((paths, n)) @ chol.T
        v = base_var * mix[:, None]
        x += -0.5 * v + np.sqrt(base_var) * np.sqrt(mix)[:, None] * z
        s1 = np.exp(x)

        # isolated legs: bridge between the log distances to each liquidation price
        ll = np.log(liq)
        d0 = direction * (np.log(s0) - ll)
        d1 = direction * (x - ll)
        p = np.where(d1 > 0, np.exp(-2 * d0 * d1 / v), 1.0)
        hit = iso_alive & (rng.random((paths, n)) < p)
        iso_liqs += int(hit.sum())
        iso_alive &= ~hit
        paid = rate_per_step * q * s1
        iso_margin -= np.where(iso_alive, paid, 0.0)
        liq = iso_liq(iso_margin)
        iso_eq = balance - margin0.sum() + np.where(iso_alive, iso_margin + q * (s1 - price0), 0.0).sum(axis=1)
        np.minimum(iso_min, iso_eq, out=iso_min)

        # cross account: arithmetic bridge on D = equity - maintenance, variance g'Cg
        pnl = (q * (s1 - price0)).sum(axis=1)
        d1c = wallet + pnl - mmr * (size * s1).sum(axis=1)
        g = (q - mmr * size) * s0 * np.sqrt(v)
        var_d = np.einsum("pi,ij,pj->p", g, corr, g)
        pc = np.where(d1c > 0, np.exp(-2 * d_prev * d1c / var_d), 1.0)
        chit = cross_alive & (rng.random(paths) < pc)
        cross_liqs += int(chit.sum())
        cross_alive &= ~chit
        wallet -= np.where(cross_alive, paid.sum(axis=1), 0.0)
        cross_eq = np.where(cross_alive, wallet + pnl, 0.0)
        np.minimum(cross_min, cross_eq, out=cross_min)
        d_prev = d1c
        s0 = s1

    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    work = paths * steps * n
    print(json.dumps({
        "paths": paths, "steps": steps, "assets": n, "wallSeconds": wall, "cpuSeconds": cpu,
        "assetStepsPerSecond": work / wall, "assetStepsPerCpuSecond": work / cpu,
        "crossLiquidated": cross_liqs, "isolatedLiquidated": int((~iso_alive).any(axis=1).sum()), "isolatedLegLiquidations": iso_liqs,
        "minEquityMean": {"cross": float(cross_min.mean()), "isolated": float(iso_min.mean())},
    }))


if __name__ == "__main__":
    main()
