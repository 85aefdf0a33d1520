//! The claimdesk central API.
