//! The wire contract: request and response bodies, route paths and the error
//! body. Shared by the server and every client so they cannot disagree.

pub mod admin;
pub mod auth;
pub mod documents;
pub mod error;
pub mod file_names;
pub mod payments;
pub mod records;
pub mod requests;
pub mod routes;
pub mod sync;
pub mod uploads;

pub use claimdesk_domain as domain;
pub use error::{ErrorBody, ErrorCode};

/// Header a client sends its session token in (`Authorization: Bearer …`).
pub const AUTHORIZATION_SCHEME: &str = "Bearer";
