//! The scenario parser and validator: any text is a scenario or an error, never a panic or a
//! hang. Seeded with `scenarios/*.toml`.
#![no_main]

#[path = "inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::scenario(data));
