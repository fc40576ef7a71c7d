use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the content: where it is, which item, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: PathBuf,
    pub item: String,
    pub reason: String,
    /// The item's line, where it is known (a single-file roadmap).
    pub line: Option<usize>,
}

impl ContentError {
    pub fn new(file: &Path, item: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            item: item.into(),
            reason: reason.into(),
            line: None,
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.item, self.reason)
    }
}

/// Every problem found in a content folder; never empty.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "roadmap content is invalid ({count} problem{}):",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            writeln!(f, "  - {error}")?;
        }
        Ok(())
    }
}
