//! PDF documents rendered from domain values.
