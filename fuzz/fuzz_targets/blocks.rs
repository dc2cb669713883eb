//! The shard decoder, `blocks.bin`, as `merge` reads it: any bytes are blocks or an error,
//! never a panic, a hang or an allocation the scenario does not call for. Each input is read
//! twice: as it is (the checksum and the owner turn nearly all of it away), and sealed with its
//! own checksum and owner, as a forger would, so that the fuzzer reaches the block decoder and
//! its count checks. Seeded with a shard of the scenario `inputs.rs` names.
#![no_main]

#[path = "inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::shard_blocks(data));
