//! A real advertising account: its channels, limits and daily history, read from an account
//! TOML file and the CSV it names. The room of `recommend`, `fit` and `history`.

pub mod campaigns;
pub mod date;
pub mod export;
pub mod file;
pub mod history;
pub mod replay;
