#!/usr/bin/env python3
"""Run budget-bandit on every history under HIST and score it against the truth.

Usage: python score.py [--hist hist] [--rerun] [--only NAME ...]
  per history DIR: (init account --from export.csv account, once), recommend account.toml --out results,
  then scores results/account/recommendation.json against DIR/truth.json -> DIR/score.json;
  prints a per-history line and the per-kind table.
"""
import argparse, json, os, subprocess, sys, time, datetime as dt, fnmatch, tomllib
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import campaign_conv  # noqa: E402

BIN = os.environ.get("BUDGET_BANDIT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "target", "release", "budget-bandit"))


def channel_curve(t, ch, wd):
    """tomorrow's expected revenue of channel ch as a function of its spend (vectorised)."""
    n = t["days"]
    live = [j for j, c in enumerate(ch["campaigns"]) if c.get("start_day", 0) <= n - 1 < c.get("end_day", 10 ** 9)]
    al = np.array([ch["alpha"][j] for j in live]); al = al / al.sum()
    drift = ch["drift"][1]
    w = ch["weekday"][wd]

    def R(S):
        S = np.asarray(S, dtype=float)
        tot = np.zeros_like(S)
        for a, j in zip(al, live):
            tot = tot + campaign_conv(ch["campaigns"][j], a * S)
        return tot * ch["aov"] * drift * w
    return R


def optimum(curves, B, N=2000, caps=None):
    """exact DP on a grid of N steps (handles S-shaped curves); caps: per-channel upper bounds."""
    grid = np.arange(N + 1) * B / N
    V = [R(grid) for R in curves]
    if caps is not None:
        V = [np.where(grid <= cap + 1e-9, v, -1e18) for v, cap in zip(V, caps)]
    best = V[0].copy(); choice = []
    for v in V[1:]:
        # new[b] = max_i v[i] + best[b-i]
        M = np.full((N + 1, N + 1), -np.inf)
        for i in range(N + 1):
            M[i, i:] = v[i] + best[: N + 1 - i]
        arg = M.argmax(0)
        best = M[arg, np.arange(N + 1)]
        choice.append(arg)
    # backtrack
    alloc = [0] * len(curves)
    b = N
    for ci in range(len(curves) - 1, 0, -1):
        i = choice[ci - 1][b]
        alloc[ci] = i; b -= i
    alloc[0] = b
    spend = np.array(alloc) * B / N
    return spend, best[N]


def map_campaign(acct, name):
    cof = acct.get("channel_of", {})
    if name in cof:
        return cof[name]
    for pat, ch in cof.items():
        if fnmatch.fnmatchcase(name.lower(), pat.lower().replace("[", "[[]")):
            return ch
    return name


def score_dir(d, rerun=False):
    t = json.load(open(os.path.join(d, "truth.json")))
    acct_path = os.path.join(d, "account.toml")
    if not os.path.exists(acct_path):
        r = subprocess.run([BIN, "init", "account", "--from", "export.csv", "account"], cwd=d, capture_output=True, text=True)
        open(os.path.join(d, "init.log"), "w").write(r.stdout + r.stderr)
        if r.returncode != 0 and t["platform"] == "meta":
            # workaround a user would find: drop Meta's summary row (line 2: blank campaign name)
            lines = open(os.path.join(d, "export.csv")).read().splitlines(True)
            open(os.path.join(d, "export-nosummary.csv"), "w").writelines(lines[:1] + lines[2:])
            r = subprocess.run([BIN, "init", "account", "--from", "export-nosummary.csv", "account"], cwd=d, capture_output=True, text=True)
            open(os.path.join(d, "init.log"), "a").write("\n--- retried without the summary row ---\n" + r.stdout + r.stderr)
        if r.returncode != 0:
            return dict(name=os.path.basename(d), error="init: " + r.stderr.strip())
    rec_path = os.path.join(d, "results", "account", "recommendation.json")
    elapsed = None
    if rerun or not os.path.exists(rec_path):
        if os.path.exists(os.path.join(d, "results")):
            subprocess.run(["rm", "-rf", os.path.join(d, "results")])
        t0 = time.time()
        r = subprocess.run([BIN, "recommend", "account.toml", "--out", "results"], cwd=d, capture_output=True, text=True)
        elapsed = time.time() - t0
        open(os.path.join(d, "recommend.out"), "w").write(r.stdout)
        open(os.path.join(d, "recommend.err"), "w").write(r.stderr)
        if r.returncode != 0:
            return dict(name=os.path.basename(d), error="recommend rc=%d: %s" % (r.returncode, r.stderr.strip()[:500]))
    rec = json.load(open(rec_path))
    acct = tomllib.load(open(acct_path, "rb"))
    # campaign -> tool channel must equal the truth's channel
    for ch in t["channels"]:
        for c in ch["campaigns"]:
            m = map_campaign(acct, c["name"])
            if m != ch["name"]:
                print(f"  WARNING {d}: campaign {c['name']!r} mapped to {m!r}, truth channel {ch['name']!r}")
    tomorrow = dt.date.fromisoformat(rec["date"])
    assert tomorrow == dt.date.fromisoformat(t["end"]) + dt.timedelta(days=1), (rec["date"], t["end"])
    wd = tomorrow.weekday()
    names = [ch["name"] for ch in t["channels"]]
    curves = [channel_curve(t, ch, wd) for ch in t["channels"]]
    bych = {c["channel"]: c for c in rec["channels"]}
    recs = np.array([bych[n]["recommended_spend"] for n in names])
    B = float(recs.sum())
    opt, vopt = optimum(curves, B)
    vrec = sum(float(R(s)) for R, s in zip(curves, recs))
    caps = [bych[n]["max_spend"] for n in names]
    opt_c, vopt_c = optimum(curves, B, caps=caps)
    out = {}
    for o in rec["outlook"]:
        sp = np.array(o["spend_per_channel"])
        # outlook's order is the recommendation's channel order
        order = [c["channel"] for c in rec["channels"]]
        spd = dict(zip(order, sp))
        v = sum(float(R(spd[n])) for R, n in zip(curves, names))
        # scale to budget B for a fair share
        out[o["split"]] = dict(share_same_spend=v / optimum(curves, float(sp.sum()))[1], spend=float(sp.sum()))
    rsp = dict(zip([c["channel"] for c in rec["channels"]], rec["outlook"][0]["spend_per_channel"]))
    assert all(abs(rsp[n] - bych[n]["recommended_spend"]) < 1 for n in names), "outlook order"
    expl = np.array([bych[n]["explore_spend"] for n in names])
    vexpl = sum(float(R(s)) for R, s in zip(curves, expl))
    chans = []
    step = B / 2000
    for n, R, s_opt, s_rec, s_oc in zip(names, curves, opt, recs, opt_c):
        c = bych[n]
        cov = (c["spend_low"] - step <= s_opt <= c["spend_high"] + step)
        chans.append(dict(channel=n, rec=float(s_rec), opt=float(s_opt), low=c["spend_low"], high=c["spend_high"],
                          covered=bool(cov), opt_within_caps=float(s_oc), max_spend=c["max_spend"], current=c["current_spend"], limited_by=c["limited_by"],
                          history_high=c["history_high"], saturation_known=c["saturation_known"]))
    res = dict(name=os.path.basename(d), kind=t["kind"], platform=t["platform"], budget=B, share=vrec / vopt, share_within_caps=vrec / vopt_c, opt_within_caps=[float(x) for x in opt_c],
               true_opt_rev=vopt, true_rec_rev=vrec, explore_share=vexpl / optimum(curves, float(expl.sum()))[1],
               outlooks=out, channels=chans, elapsed=elapsed, tool_expected=rec["outlook"][0]["revenue"]["mean"],
               policy=rec["policy"], warnings=rec["warnings"], weekday=wd)
    json.dump(res, open(os.path.join(d, "score.json"), "w"), indent=1)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hist", default="histories")
    ap.add_argument("--rerun", action="store_true")
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    dirs = sorted(x for x in os.listdir(a.hist) if os.path.exists(os.path.join(a.hist, x, "truth.json")))
    if a.only:
        dirs = [x for x in dirs if x in a.only]
    res = []
    for x in dirs:
        r = score_dir(os.path.join(a.hist, x), a.rerun)
        res.append(r)
        if "error" in r:
            print(f"{x:12s} ERROR {r['error']}")
            continue
        cov = sum(c["covered"] for c in r["channels"])
        el = f"{r['elapsed']:.1f}s" if r["elapsed"] else "cached"
        print(f"{x:12s} {r['platform']:6s} B={r['budget']:8,.0f} share={r['share']:.4f} last7={r['outlooks'].get('last 7 days', {}).get('share_same_spend', float('nan')):.4f} "
              f"even={r['outlooks'].get('even', {}).get('share_same_spend', float('nan')):.4f} explore={r['explore_share']:.4f} capped={r['share_within_caps']:.4f} cov={cov}/{len(r['channels'])} {el}")
        for c in r["channels"]:
            flag = "" if c["covered"] else "  MISS"
            print(f"    {c['channel']:20s} cur={c['current']:8,.0f} rec={c['rec']:8,.0f} opt={c['opt']:8,.0f} (capped {c['opt_within_caps']:7,.0f} cap {c['max_spend']:7,.0f}) [{c['low']:8,.0f} .. {c['high']:8,.0f}] {c['limited_by']}{flag}")
    print()
    kinds = []
    for r in res:
        if "error" not in r and r["kind"] not in kinds:
            kinds.append(r["kind"])
    print(f"{'kind':10s} {'n':>3s} {'worst':>7s} {'mean':>7s} {'<bar':>5s} {'coverage':>14s}")
    allc = [0, 0]
    for k in kinds:
        rs = [r for r in res if "error" not in r and r["kind"] == k]
        sh = [r["share"] for r in rs]
        bar = 0.93 if k == "flat" else 0.97
        cv = sum(c["covered"] for r in rs for c in r["channels"]); nc = sum(len(r["channels"]) for r in rs)
        allc[0] += cv; allc[1] += nc
        print(f"{k:10s} {len(rs):3d} {min(sh):7.4f} {np.mean(sh):7.4f} {sum(s < bar for s in sh):5d} {cv:5d}/{nc:<3d} {100*cv/nc:4.0f}%")
    print(f"all coverage {allc[0]}/{allc[1]} = {100*allc[0]/max(allc[1],1):.0f}%")


if __name__ == "__main__":
    main()
