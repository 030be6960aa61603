//! `hubctl` as a library: the command line's parts (the typed admin-API
//! client, the commands, the output and the TUI) for the binary, the
//! benchmarks and the tests. It never opens the database.

pub mod cli;
pub mod client;
pub mod commands;
pub mod output;
pub mod settings;
pub mod stream;
pub mod tui;
