#!/usr/bin/env python3
"""Fresh truths -> one-year daily campaign exports (Google Ads / Meta Ads Manager shape).

Usage: python generate.py --out hist --seed 2301 [--per-kind 6]  (BIG_DAYS=1095 ... --big: one long 5-channel history) [--big]

Each history goes to OUT/<kind>-<i>/export.csv with its truth in truth.json.
Response families (conversions/day of a campaign at spend s, x = s/k):
  log   A*log(1+x)          power  A*min(x^p,1) (p 0.5-0.8, capped)
  hill  A*x^n/(1+x^n) n 1.5-2.5    tanh  A*tanh(x)      pwl  piecewise-linear concave
Noise: Poisson conversions, gamma order values (shape 2), Poisson clicks / impressions.
"""
import argparse, json, math, os, datetime as dt
import numpy as np

FAMILIES = ["log", "power", "hill", "tanh", "pwl"]
PWL_BREAKS = [0.0, 0.5, 1.0, 2.0]
PWL_SLOPES = [1.0, 0.55, 0.25, 0.05]


def g(family, x, par):
    x = np.asarray(x, dtype=float)
    if family == "log":
        return np.log1p(x)
    if family == "power":
        return np.minimum(np.power(np.maximum(x, 0), par["p"]), 1.0)
    if family == "hill":
        n = par["n"]
        xn = np.power(np.maximum(x, 0), n)
        return xn / (1 + xn)
    if family == "tanh":
        return np.tanh(x)
    if family == "pwl":
        out = np.zeros_like(x)
        for i, b in enumerate(PWL_BREAKS):
            hi = PWL_BREAKS[i + 1] if i + 1 < len(PWL_BREAKS) else np.inf
            out += PWL_SLOPES[i] * np.clip(x - b, 0, hi - b)
        return out
    raise ValueError(family)


def campaign_conv(c, s):
    """expected conversions/day of a campaign at spend s (before weekday/drift/demand)."""
    return c["A"] * g(c["family"], np.asarray(s) / c["k"], c)


GOOGLE = {
    "google-brand": dict(camps=["Brand | Exact", "Brand | Phrase"], share=0.08, roas=(6, 12), aov=(500, 900), pricing="cpc"),
    "google-search": dict(camps=["Generic | Shoes", "Generic | Boots", "Generic | Jackets"], share=0.30, roas=(1.8, 3.5), aov=(600, 1200), pricing="cpc"),
    "google-pmax": dict(camps=["PMax | All products", "PMax | Bestsellers"], share=0.30, roas=(2.5, 5), aov=(500, 1000), pricing="cpc"),
    "google-shopping": dict(camps=["Shopping | Boots", "Shopping | Sale"], share=0.17, roas=(2.5, 5), aov=(400, 900), pricing="cpc"),
    "google-display": dict(camps=["Display | Remarketing", "Display | Similar audiences"], share=0.15, roas=(1.0, 2.5), aov=(500, 1000), pricing="cpm"),
}
META = {
    "meta-prospecting": dict(camps=["Prospecting | Broad", "Prospecting | Lookalike 3%", "Prospecting | Interests"], share=0.5, roas=(1.5, 3.5), aov=(500, 1000), pricing="cpm"),
    "meta-retargeting": dict(camps=["Retargeting | 30 days", "Retargeting | Cart 7 days"], share=0.2, roas=(3, 7), aov=(500, 900), pricing="cpm"),
    "meta-advantage-plus": dict(camps=["Advantage+ Shopping | Catalog"], share=0.3, roas=(2, 4.5), aov=(500, 1000), pricing="cpm"),
}

KINDS = ["clean", "weekday", "demand", "drift", "gaps", "flat"]


def make_truth(rng, kind, idx, platform, big=False):
    spec = GOOGLE if platform == "google" else META
    chans = list(spec.keys())
    if platform == "google":
        # 4 or 5 channels: always brand, search, pmax; shopping and/or display
        extra = ["google-shopping", "google-display"]
        if rng.random() < 0.5 and not big:
            extra = [extra[rng.integers(2)]]
        chans = ["google-brand", "google-search", "google-pmax"] + extra
    B0 = float(rng.uniform(5000, 20000))
    if big:
        B0 = 20000.0
    days = 365 if not big else int(os.environ.get("BIG_DAYS", 730))
    # start date: vary; the demand kind wants December inside the year
    if kind == "demand":
        end = dt.date(2026, 1, 1) + dt.timedelta(days=int(rng.integers(0, 60)))
        if idx % 2 == 1:
            end = dt.date(2025, 12, 10) + dt.timedelta(days=int(rng.integers(0, 12)))  # tomorrow in the peak
    else:
        end = dt.date(2025, 9, 1) + dt.timedelta(days=int(rng.integers(0, 120)))
    start = end - dt.timedelta(days=days - 1)
    # base shares, perturbed
    sh = np.array([spec[c]["share"] for c in chans]) * rng.lognormal(0, 0.3, len(chans))
    sh /= sh.sum()
    channels = []
    fams_used = []
    for ci, cname in enumerate(chans):
        sp = spec[cname]
        ncamp = len(sp["camps"]) if big else int(rng.integers(1, min(3, len(sp["camps"])) + 1))
        camps = list(rng.choice(sp["camps"], ncamp, replace=False))
        alpha = rng.dirichlet(np.ones(ncamp) * 3)
        roas_m = float(rng.uniform(*sp["roas"]))
        aov = float(rng.uniform(*sp["aov"]))
        campaigns = []
        for j, cam in enumerate(camps):
            fam = FAMILIES[int(rng.integers(len(FAMILIES)))]
            fams_used.append(fam)
            m = B0 * sh[ci] * alpha[j]
            par = {}
            if fam == "log":
                xm = rng.uniform(0.5, 4)
            elif fam == "power":
                par["p"] = float(rng.uniform(0.5, 0.8)); xm = rng.uniform(0.4, 0.9)
            elif fam == "hill":
                par["n"] = float(rng.uniform(1.5, 2.5)); xm = rng.uniform(0.8, 2.0)
            elif fam == "tanh":
                xm = rng.uniform(0.3, 1.5)
            else:
                xm = rng.uniform(0.4, 2.5)
            k = m / xm
            r = roas_m * rng.uniform(0.8, 1.25)
            gm = float(g(fam, xm, par))
            A = r * m / aov / gm
            c = dict(name=str(cam), family=fam, k=float(k), A=float(A), median_spend=float(m), **par)
            # funnel: share of the bend in the paid units
            c["gamma_units"] = float(rng.uniform(0.3, 1.0) if sp["pricing"] == "cpc" else rng.uniform(0.0, 0.5))
            c["unit_price"] = float(rng.uniform(4, 12) if sp["pricing"] == "cpc" else rng.uniform(40, 120))  # CPC or CPM at median
            c["ctr"] = float(rng.uniform(0.006, 0.02))
            campaigns.append(c)
        weekday = [1.0] * 7
        channels.append(dict(name=cname, pricing=sp["pricing"], aov=aov, share=float(sh[ci]),
                             alpha=[float(a) for a in alpha], campaigns=campaigns, weekday=weekday,
                             drift=[1.0, 1.0], start_day=0, pauses=[]))
    t = dict(kind=kind, idx=idx, platform=platform, B0=B0, days=days, start=start.isoformat(), end=end.isoformat(),
             channels=channels, outages=[], demand_weekday=[1.0] * 7, dec_peak=0.0, budget_follows_demand=False,
             flat=(kind == "flat"), replaced=[])
    if kind == "weekday":
        # one channel strong on weekends, one on weekdays
        order = rng.permutation(len(channels))
        wk = channels[order[0]]
        amp = rng.uniform(1.35, 1.7)
        wk["weekday"] = [0.85, 0.85, 0.85, 0.85, 0.95, amp, amp]
        wd = channels[order[1]]
        wd["weekday"] = [1.15, 1.15, 1.15, 1.1, 1.0, 0.7, 0.7]
        # end on Friday or Saturday half the time: tomorrow is a weekend day
        while end.weekday() not in ((4, 5) if idx % 2 == 0 else (1, 2)):
            end -= dt.timedelta(days=1)
        start = end - dt.timedelta(days=days - 1)
        t["start"], t["end"] = start.isoformat(), end.isoformat()
    if kind == "demand":
        t["demand_weekday"] = [1.05, 1.0, 0.95, 0.95, 0.9, 1.0, 1.2]
        t["dec_peak"] = float(rng.uniform(0.5, 0.9))
        t["budget_follows_demand"] = True
    if kind == "drift":
        order = rng.permutation(len(channels))
        up = channels[order[0]]
        up["drift"] = [1.0, float(rng.uniform(1.25, 1.35))]
        if idx % 2 == 0:
            dn = channels[order[1]]
            dn["drift"] = [1.0, float(rng.uniform(0.65, 0.75))]
    if kind == "gaps":
        # tracking outage: 3-5 days no conversions anywhere
        o0 = int(rng.integers(60, 300))
        t["outages"] = list(range(o0, o0 + int(rng.integers(3, 6))))
        order = rng.permutation(len(channels))
        # a channel paused 2-4 weeks mid-year
        p = channels[order[0]]
        p0 = int(rng.integers(100, 280))
        p["pauses"] = [[p0, p0 + int(rng.integers(14, 29))]]
        # a channel that starts mid-year
        s = channels[order[1]]
        s["start_day"] = int(rng.integers(150, 260))
        if idx % 2 == 1 and len(channels[order[2]]["campaigns"]) >= 1:
            # a campaign replaced: the old one stops at day r, a new one (new curve) starts then
            ch = channels[order[2]]
            r = int(rng.integers(120, 250))
            old = ch["campaigns"][0]
            new = dict(old)
            new["name"] = old["name"] + " 2.0"
            new["k"] = old["k"] * float(rng.uniform(0.6, 1.6))
            new["A"] = old["A"] * float(rng.uniform(0.75, 1.3))
            old["end_day"] = r
            new["start_day"] = r
            ch["campaigns"].append(new)
            ch["alpha"].append(ch["alpha"][0])
            t["replaced"].append([ch["name"], old["name"], new["name"], r])
    return t


def demand_series(rng, t, dates):
    n = len(dates)
    ar = np.zeros(n)
    e = rng.normal(0, 0.03, n)
    for i in range(1, n):
        ar[i] = 0.85 * ar[i - 1] + e[i]
    D = np.exp(ar)
    wdm = np.array([t["demand_weekday"][d.weekday()] for d in dates])
    D *= wdm
    if t["dec_peak"] > 0:
        for i, d in enumerate(dates):
            # peak around 12 December, plus Black Friday week
            for y in (d.year - 1, d.year, d.year + 1):
                c = dt.date(y, 12, 12)
                D[i] *= 1 + t["dec_peak"] * math.exp(-0.5 * ((d - c).days / 9.0) ** 2)
            bf = dt.date(d.year, 11, 28)
            if abs((d - bf).days) <= 3:
                D[i] *= 1.25
    return D


def simulate(rng, t):
    start = dt.date.fromisoformat(t["start"])
    n = t["days"]
    dates = [start + dt.timedelta(days=i) for i in range(n)]
    D = demand_series(rng, t, dates)
    C = len(t["channels"])
    # budget
    if t["budget_follows_demand"]:
        B = t["B0"] * D ** 0.9 * np.exp(rng.normal(0, 0.03, n))
    elif t["flat"]:
        B = t["B0"] * np.exp(rng.normal(0, 0.02, n))
    else:
        steps = np.ones(n)
        lvl = 1.0
        for i in range(n):
            if i % 30 == 0 and i > 0:
                lvl *= math.exp(rng.normal(0, 0.08))
            steps[i] = lvl
        B = t["B0"] * steps / steps[-30:].mean() * np.exp(rng.normal(0, 0.05, n))
    # shares
    base = np.array([c["share"] for c in t["channels"]])
    if t["flat"]:
        logsh = np.log(base)[None, :] + rng.normal(0, 0.03, (n, C))
    else:
        rw = np.zeros((n, C))
        cur = np.zeros(C)
        nxt = int(rng.integers(10, 30))
        for i in range(n):
            if i == nxt:
                cur = 0.5 * cur + rng.normal(0, 0.3, C)
                nxt = i + int(rng.integers(10, 35))
            rw[i] = cur
        logsh = np.log(base)[None, :] + rw + rng.normal(0, 0.18, (n, C))
    active = np.ones((n, C), dtype=bool)
    for ci, ch in enumerate(t["channels"]):
        active[: ch["start_day"], ci] = False
        for a, b in ch["pauses"]:
            active[a:b, ci] = False
    sh = np.exp(logsh) * active
    sh /= sh.sum(1, keepdims=True)
    S = sh * B[:, None]
    rows = []  # (date, campaign, cost, clicks, impr, conv, value)
    truth_daily = []
    for i, d in enumerate(dates):
        frac = i / (n - 1)
        for ci, ch in enumerate(t["channels"]):
            if S[i, ci] <= 0:
                continue
            live = [j for j, c in enumerate(ch["campaigns"]) if c.get("start_day", 0) <= i < c.get("end_day", 10 ** 9)]
            al = np.array([ch["alpha"][j] for j in live])
            al = al * np.exp(rng.normal(0, 0.05, len(al)))
            al /= al.sum()
            drift = ch["drift"][0] + (ch["drift"][1] - ch["drift"][0]) * frac
            mult = D[i] * ch["weekday"][d.weekday()] * drift
            for jj, j in enumerate(live):
                c = ch["campaigns"][j]
                s = float(S[i, ci] * al[jj])
                mu = float(campaign_conv(c, s)) * mult
                m = c["median_spend"]
                gm = float(campaign_conv(c, m))
                ratio = (float(campaign_conv(c, s)) / max(s, 1e-9)) / (gm / m)
                ratio = min(max(ratio, 0.05), 5.0)
                if ch["pricing"] == "cpc":
                    clicks_mu = s / c["unit_price"] * ratio ** c["gamma_units"]
                    clicks = int(rng.poisson(clicks_mu))
                    impr = int(rng.poisson(clicks / (c["ctr"] * 4) + 1))  # search CTR ~ 2.4-8%
                    impr = max(impr, clicks)
                else:
                    impr_mu = s / c["unit_price"] * 1000 * ratio ** c["gamma_units"]
                    impr = int(rng.poisson(impr_mu))
                    ctr = c["ctr"] * ratio ** 0.3
                    clicks = int(rng.binomial(impr, min(ctr, 0.2)))
                conv = int(rng.poisson(mu))
                if i in t["outages"]:
                    conv = 0
                conv = min(conv, clicks)
                value = float(rng.gamma(2 * conv, ch["aov"] / 2)) if conv > 0 else 0.0
                rows.append((d, c["name"], s, clicks, impr, conv, value))
    return dates, rows


def fmt_thousands(x, dec=2):
    return f"{x:,.{dec}f}"


def write_google(path, t, dates, rows, rng, currency_col):
    with open(path, "w", newline="") as f:
        f.write("Campaign report\n")
        f.write(f'"{dates[0].strftime("%B %-d, %Y")} - {dates[-1].strftime("%B %-d, %Y")}"\n')
        hdr = ["Day", "Campaign"] + (["Currency code"] if currency_col else []) + ["Cost", "Clicks", "Impr.", "Conversions", "Conv. value"]
        f.write(",".join(hdr) + "\n")
        tot = [0.0, 0, 0, 0, 0.0]
        for (d, cam, s, cl, im, cv, val) in rows:
            cells = [d.isoformat(), cam] + (["NOK"] if currency_col else []) + [
                f'"{fmt_thousands(s)}"', f'"{fmt_thousands(cl, 0)}"', f'"{fmt_thousands(im, 0)}"', f"{cv:.2f}", f'"{fmt_thousands(val)}"']
            f.write(",".join(cells) + "\n")
            tot[0] += s; tot[1] += cl; tot[2] += im; tot[3] += cv; tot[4] += val
        cells = ["Total: Account", " --"] + (["NOK"] if currency_col else []) + [
            f'"{fmt_thousands(tot[0])}"', f'"{fmt_thousands(tot[1], 0)}"', f'"{fmt_thousands(tot[2], 0)}"', f'"{fmt_thousands(tot[3])}"', f'"{fmt_thousands(tot[4])}"']
        f.write(",".join(cells) + "\n")


def write_meta(path, t, dates, rows):
    with open(path, "w", newline="") as f:
        f.write("Reporting starts,Reporting ends,Campaign name,Amount spent (NOK),Link clicks,Impressions,Purchases,Purchases conversion value\n")
        tot = [0.0, 0, 0, 0, 0.0]
        for r in rows:
            tot[0] += r[2]; tot[1] += r[3]; tot[2] += r[4]; tot[3] += r[5]; tot[4] += r[6]
        f.write(f"{dates[0].isoformat()},{dates[-1].isoformat()},,{tot[0]:.2f},{tot[1]},{tot[2]},{tot[3]},{tot[4]:.2f}\n")
        for (d, cam, s, cl, im, cv, val) in rows:
            pc = "" if cv == 0 else str(cv)
            pv = "" if cv == 0 else f"{val:.2f}"
            f.write(f"{d.isoformat()},{d.isoformat()},{cam},{s:.2f},{cl},{im},{pc},{pv}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="hist")
    ap.add_argument("--seed", type=int, default=2301)
    ap.add_argument("--per-kind", type=int, default=6)
    ap.add_argument("--big", action="store_true", help="one 2-year, 5-channel history instead")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    jobs = []
    if a.big:
        jobs = [("big", 0, "google")]
    else:
        for ki, kind in enumerate(KINDS):
            for i in range(a.per_kind):
                plat = "meta" if i % 3 == 2 else "google"
                jobs.append((kind, i, plat))
    for kind, i, plat in jobs:
        rng = np.random.default_rng([a.seed, KINDS.index(kind) if kind in KINDS else 99, i])
        t = make_truth(rng, "clean" if kind == "big" else kind, i, plat, big=(kind == "big"))
        t["kind"] = kind
        if kind == "big":
            # force 5 channels with 2-3 campaigns
            pass
        dates, rows = simulate(rng, t)
        d = os.path.join(a.out, f"{kind}-{i}")
        os.makedirs(d, exist_ok=True)
        if plat == "google":
            write_google(os.path.join(d, "export.csv"), t, dates, rows, rng, currency_col=(i % 2 == 0))
        else:
            write_meta(os.path.join(d, "export.csv"), t, dates, rows)
        with open(os.path.join(d, "truth.json"), "w") as f:
            json.dump(t, f, indent=1)
        spend = sum(r[2] for r in rows)
        print(f"{d}: {plat}, {len(t['channels'])} channels, {len(rows)} rows, {spend/t['days']:,.0f}/day, "
              f"families {[c['family'] for ch in t['channels'] for c in ch['campaigns']]}")


if __name__ == "__main__":
    main()
