//! Identifiers a person copies by hand: each parsed, validated and formatted.
