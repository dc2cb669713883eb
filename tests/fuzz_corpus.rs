//! Every committed fuzz corpus file (`fuzz/corpus/<target>/`), replayed through what its fuzz
//! target does with one input (`fuzz/fuzz_targets/inputs.rs`), on stable Rust and without
//! libFuzzer: an input that once made a target panic or hang is kept in its corpus and stays a
//! test here. How to fuzz: `docs/development.md`, "Fuzzing".

#[path = "../fuzz/fuzz_targets/inputs.rs"]
mod inputs;

use std::path::Path;
use std::time::Instant;

/// A target's name (its corpus folder) and what it does with one input.
type Target = (&'static str, fn(&[u8]));

/// Every target.
const TARGETS: [Target; 4] = [
    ("scenario", inputs::scenario),
    ("account", inputs::account),
    ("history", inputs::history),
    ("blocks", inputs::shard_blocks),
];

#[test]
fn every_corpus_input_is_read_or_refused_without_a_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (target, run) in TARGETS {
        let folder = corpus.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{} holds no input", folder.display());
        let start = Instant::now();
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            let one = Instant::now();
            run(&bytes);
            // A hang is a failure as much as a panic; libFuzzer's own limit is 1,200 s, and
            // every input here takes milliseconds.
            let took = one.elapsed().as_secs_f64();
            assert!(took < 30.0, "{} took {took:.1} s", file.display());
        }
        eprintln!(
            "{target}: {} inputs in {:.2} s",
            files.len(),
            start.elapsed().as_secs_f64()
        );
    }
}
