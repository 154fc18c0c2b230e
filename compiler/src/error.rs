//! The one error a compilation ends with: a sentence for SageMaker's `FailureReason`.

use std::fmt;

/// `FailureReason` holds at most this many characters.
pub const MAX_REASON_CHARS: usize = 1024;

/// How much of tract's own message a reason quotes.
const MAX_TRACT_CHARS: usize = 400;

/// What went wrong and what to do about it, in words for the person who started the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// At most [`MAX_REASON_CHARS`] characters.
    pub reason: String,
}

impl CompileError {
    pub(crate) fn new(reason: impl Into<String>) -> CompileError {
        CompileError {
            reason: truncate(reason.into(), MAX_REASON_CHARS),
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for CompileError {}

/// tract's error with its causes on one line, cut short enough to quote inside a reason.
pub(crate) fn brief(error: &tract_nnef::prelude::TractError) -> String {
    let chain: Vec<String> = error.chain().map(|cause| cause.to_string()).collect();
    let mut text = chain.join(": ");
    text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(text, MAX_TRACT_CHARS)
}

fn truncate(text: String, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text;
    }
    let mut cut: String = text.chars().take(max_chars - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_cut_to_what_failure_reason_holds() {
        let error = CompileError::new("é".repeat(3000));
        assert_eq!(error.reason.chars().count(), MAX_REASON_CHARS);
        assert!(error.reason.ends_with('…'));
        assert_eq!(CompileError::new("short").reason, "short");
    }

    #[test]
    fn brief_joins_the_causes_on_one_line() {
        let inner = tract_nnef::prelude::TractError::msg("bad\n  shape");
        let error = inner.context("Translating node #3");
        assert_eq!(brief(&error), "Translating node #3: bad shape");
    }
}
