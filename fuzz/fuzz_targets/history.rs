//! The history CSV reader, under an account of every pricing model with campaign patterns and
//! an ignore list: any bytes are a history or an error, never a panic or a hang. Seeded with
//! exports of the shapes `tests/exports.rs` reads.
#![no_main]

#[path = "inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::history(data));
