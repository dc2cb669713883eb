#!/usr/bin/env python3
"""Per-kind table over the score.json files of one or more history folders.
Usage: python table.py histories-2301 histories-2302"""
import sys, os, json, glob
import numpy as np
res = []
for h in sys.argv[1:]:
    for f in sorted(glob.glob(os.path.join(h, "*", "score.json"))):
        r = json.load(open(f)); r["set"] = h; res.append(r)
kinds = ["clean", "weekday", "demand", "drift", "gaps", "flat"]
print(f"{'kind':9s} {'n':>3s} {'worst':>6s} {'mean':>6s} {'under bar':>9s} {'coverage':>12s} | {'google cov':>10s} {'meta cov':>9s} | last7 mean")
tot = [0, 0]
for k in kinds:
    rs = [r for r in res if r["kind"] == k]
    if not rs: continue
    sh = [r["share"] for r in rs]; bar = 0.93 if k == "flat" else 0.97
    cv = sum(c["covered"] for r in rs for c in r["channels"]); n = sum(len(r["channels"]) for r in rs)
    g = [c["covered"] for r in rs if r["platform"] == "google" for c in r["channels"]]
    m = [c["covered"] for r in rs if r["platform"] == "meta" for c in r["channels"]]
    l7 = np.mean([r["outlooks"]["last 7 days"]["share_same_spend"] for r in rs])
    tot[0] += cv; tot[1] += n
    print(f"{k:9s} {len(rs):3d} {min(sh):6.3f} {np.mean(sh):6.3f} {sum(s < bar for s in sh):9d} {cv:4d}/{n:<3d}={100*cv/n:3.0f}% | {100*np.mean(g):9.0f}% {100*np.mean(m):8.0f}% | {l7:.3f}")
print(f"all: {len(res)} histories, coverage {tot[0]}/{tot[1]} = {100*tot[0]/tot[1]:.0f}%")
print("worst:", [(r["set"] + "/" + r["name"], round(r["share"], 4)) for r in sorted(res, key=lambda r: r["share"] - (0.04 if r["kind"] == "flat" else 0))[:8]])
