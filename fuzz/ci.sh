#!/usr/bin/env bash
# Bounded fuzzing, as CI runs it: each target for FUZZ_SECONDS (default 30) from its committed
# corpus, into a scratch folder; a panic, a hang or an out-of-memory fails with libFuzzer's
# report and the input left in fuzz/artifacts/<target>/. Needs a nightly toolchain for
# libFuzzer's instrumentation (cargo-fuzz is installed from crates.io when missing); skipped
# with the reason where there is none. The corpora also replay on stable in
# `cargo test --test fuzz_corpus`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: SKIPPED: no nightly toolchain here (rustup toolchain list); the corpora still replay in cargo test"
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --quiet
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo +nightly fuzz build -O >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
for target in scenario account history blocks; do
    mkdir -p "$work/$target"
    if ! cargo +nightly fuzz run -O "$target" "$work/$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 >"$work/$target.log" 2>&1; then
        tail -n 60 "$work/$target.log"
        echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/"
        exit 1
    fi
    echo "fuzz: $target: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$work/$target.log")"
done
