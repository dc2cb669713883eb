//! The account file: any text is an account or an error, never a panic or a hang. Seeded with
//! the account files `init` and `history` write.
#![no_main]

#[path = "inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::account(data));
