pub mod store;
pub mod config;
