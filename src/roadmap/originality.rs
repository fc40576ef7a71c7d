//! Checking that content is written in our own words: no run of N words of a source text
//! appears in it. Comparison ignores case and punctuation, so re-punctuating a copied sentence
//! does not hide it.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

/// Every run of `n` words of `source` that also appears in `text`, in source order, once each.
pub fn copied_runs(text: &str, source: &str, n: usize) -> Vec<String> {
    let ours = words(text);
    let ours: HashSet<&[String]> = ours.windows(n).collect();
    let theirs = words(source);
    let mut seen = HashSet::new();
    theirs
        .windows(n)
        .filter(|run| ours.contains(run) && seen.insert(*run))
        .map(|run| run.join(" "))
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The text of every content file under `dir` (or of `dir` itself, a single-file roadmap), in
/// a stable order.
pub fn content_text(dir: &Path) -> io::Result<String> {
    let mut files = Vec::new();
    if dir.is_file() {
        files.push(dir.to_path_buf());
    } else {
        collect_files(dir, &mut files)?;
    }
    files.sort();
    let mut text = String::new();
    for file in files {
        text.push_str(&fs::read_to_string(file)?);
        text.push('\n');
    }
    Ok(text)
}

fn collect_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::copied_runs;

    const SOURCE: &str = "Calculus: Critical for comprehending optimization algorithms (like \
                          gradient descent) that train neural networks.";

    #[test]
    fn a_copied_run_is_found_whatever_its_case_and_punctuation() {
        let text =
            "why = 'CALCULUS -- critical for comprehending optimization algorithms, LIKE gradient'";
        assert_eq!(
            copied_runs(text, SOURCE, 8),
            vec!["calculus critical for comprehending optimization algorithms like gradient"]
        );
    }

    #[test]
    fn shorter_shared_runs_and_shared_words_are_fine() {
        let text = "Calculus is critical for comprehending optimization; gradient descent trains \
                    neural networks.";
        assert!(copied_runs(text, SOURCE, 8).is_empty());
        // The same text does share a four-word run, so a stricter check finds it.
        assert_eq!(
            copied_runs(text, SOURCE, 4),
            vec!["critical for comprehending optimization"]
        );
    }
}
