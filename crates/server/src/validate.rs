//! Input rules several creating routes share.

use crate::error::{AppError, AppResult};

/// `value` trimmed, refused when empty, longer than `max` characters or on
/// more than one line; `what` names it in the message ("the transfer's
/// reference").
pub(crate) fn one_line(value: &str, what: &str, max: usize) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::Validation(format!("{what} is required")));
    }
    if value.chars().count() > max {
        return Err(AppError::Validation(format!(
            "{what} has at most {max} characters"
        )));
    }
    if value.contains(['\n', '\r']) {
        return Err(AppError::Validation(format!("{what} is one line")));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_texts() {
        assert_eq!(one_line("  VIR 42 ", "it", 10).unwrap(), "VIR 42");
        for (text, reason) in [
            (" ", "required"),
            ("abcdefghijk", "at most 10"),
            ("a\nb", "one line"),
        ] {
            let message = one_line(text, "it", 10).unwrap_err().to_string();
            assert!(message.contains(reason), "{message}");
        }
        assert!(
            one_line(&"é".repeat(10), "it", 10).is_ok(),
            "characters, not bytes"
        );
    }
}
