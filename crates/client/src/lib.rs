//! The claimdesk client core.
