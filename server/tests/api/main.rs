//! The server's integration tests, one binary: each module drives a real Loupe (in this process,
//! over a fresh SQLite file or PostgreSQL database, through `helpers::Api::spawn`) or the `loupe`
//! binary, from outside, the way its users do. The memory and latency bounds under load are
//! measured in a binary of their own (`tests/exposure_load.rs`), so no other test shares the
//! machine with them.

mod helpers;

mod auth;
mod boto3_conformance;
mod cli;
mod cli_conformance;
mod compilation;
mod control_plane;
mod events;
mod exposure;
mod ml_proxy;
mod operator;
mod runtime;
mod template_assets;
mod upstream_double;
mod web;
mod worker_api;
