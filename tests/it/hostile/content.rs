//! The content loader on a roadmap folder where one file was replaced by garbage, cut short or
//! shuffled: it reports what is wrong, it never panics.

use std::path::{Path, PathBuf};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::TestCaseError;

use super::text::text;
use crate::support::{copy_folder, repo_path, temp_dir};

/// What is done to the chosen file.
#[derive(Debug, Clone)]
enum Mutation {
    /// The whole file becomes these bytes.
    Bytes(Vec<u8>),
    /// The file is cut at a byte (possibly inside a UTF-8 sequence).
    Truncate(Index),
    DuplicateLine(Index),
    RemoveLine(Index),
    /// A line becomes this text.
    ReplaceLine(Index, String),
    /// The value of a `key = value` line becomes this TOML (or not-quite-TOML).
    ReplaceValue(Index, String),
    /// Two lines swap places.
    SwapLines(Index, Index),
}

impl Mutation {
    fn apply(&self, bytes: Vec<u8>) -> Vec<u8> {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let pick = |index: &Index, lines: &[String]| index.index(lines.len());
        match self {
            Self::Bytes(new) => return new.clone(),
            Self::Truncate(at) => {
                let mut bytes = bytes;
                bytes.truncate(at.index(bytes.len() + 1));
                return bytes;
            }
            Self::DuplicateLine(i) => {
                let at = pick(i, &lines);
                lines.insert(at, lines[at].clone());
            }
            Self::RemoveLine(i) => {
                let at = pick(i, &lines);
                lines.remove(at);
            }
            Self::ReplaceLine(i, new) => {
                let at = pick(i, &lines);
                lines[at] = new.clone();
            }
            Self::ReplaceValue(i, value) => {
                // The n-th line holding a value, counting from the chosen one.
                let at = pick(i, &lines);
                let found = (0..lines.len())
                    .map(|k| (at + k) % lines.len())
                    .find(|&k| lines[k].contains(" = "));
                if let Some(k) = found {
                    let key = lines[k].split(" = ").next().unwrap_or_default().to_string();
                    lines[k] = format!("{key} = {value}");
                }
            }
            Self::SwapLines(a, b) => {
                let (a, b) = (pick(a, &lines), pick(b, &lines));
                lines.swap(a, b);
            }
        }
        lines.join("\n").into_bytes()
    }
}

/// Values a content author (or a bad merge) might leave: numbers out of range, wrong types,
/// broken strings, and any text as a TOML string.
fn toml_value() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "0",
            "-1",
            "5",
            "255",
            "256",
            "9223372036854775807",
            "99999999999999999999",
            "1e309",
            "nan",
            "-inf",
            "true",
            "\"\"",
            "\" \"",
            "[]",
            "[\"\"]",
            "{}",
            "[{ kind = \"docs\" }]",
            "[{ kind = \"podcast\", name = \"x\" }]",
            "\"python\"",
            "\"UPPER\"",
            "\"-dash-\"",
            "'''",
            "\"\"\"",
            "[[",
            "",
            "1979-05-27T07:32:00Z",
        ])
        .prop_map(str::to_string),
        text().prop_map(|t| toml::Value::String(t).to_string()),
        text(),
    ]
    .boxed()
}

fn mutation() -> BoxedStrategy<Mutation> {
    let line = || any::<Index>();
    prop_oneof![
        1 => vec(any::<u8>(), 0..2048).prop_map(Mutation::Bytes),
        1 => text().prop_map(|t| Mutation::Bytes(t.into_bytes())),
        2 => line().prop_map(Mutation::Truncate),
        2 => line().prop_map(Mutation::DuplicateLine),
        2 => line().prop_map(Mutation::RemoveLine),
        1 => (line(), text()).prop_map(|(i, t)| Mutation::ReplaceLine(i, t)),
        3 => (line(), toml_value()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
        1 => (line(), line()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
    .boxed()
}

/// Every file of the shipped roadmap, relative to the content folder.
fn content_files(dir: &Path, under: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the content folder")
        .map(|e| e.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let relative = under.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            content_files(&path, &relative, out);
        } else {
            out.push(relative);
        }
    }
}

#[test]
fn the_content_loader_reports_any_broken_file() {
    let shipped = repo_path("roadmap");
    let mut files = Vec::new();
    content_files(&shipped, Path::new(""), &mut files);
    assert!(
        files.len() >= 5,
        "the shipped roadmap has its files: {files:?}"
    );
    // One copy for every case; the mutated file is put back after each.
    let dir = temp_dir("waypoint-hostile-content.", 0o755);
    let root = dir.path().join("roadmap");
    copy_folder(&shipped, &root);

    let cases = (select(files), vec(mutation(), 1..4));
    super::check("content::load", 48, cases, |(file, mutations)| {
        let path = root.join(&file);
        let original = std::fs::read(shipped.join(&file)).expect("read the shipped file");
        let mutated = mutations
            .iter()
            .fold(original.clone(), |bytes, m| m.apply(bytes));
        std::fs::write(&path, &mutated).expect("write the mutated file");
        let loaded = waypoint::content::load(&root);
        std::fs::write(&path, &original).expect("put the shipped file back");

        // A file that is not UTF-8 TOML at all cannot make a valid roadmap, and the error
        // must say which file it is.
        let parses = std::str::from_utf8(&mutated)
            .ok()
            .is_some_and(|t| t.parse::<toml::Table>().is_ok());
        match loaded {
            Ok(library) => {
                if !parses {
                    return Err(TestCaseError::fail(format!(
                        "{} is not TOML, yet the content loaded",
                        file.display()
                    )));
                }
                // Content that loads serves: the default is one of its roadmaps.
                prop_assert!(waypoint::content::Content::new(library, None).is_ok());
                Ok(())
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty(), "an error without problems");
                for error in &errors.0 {
                    prop_assert!(
                        !error.reason.trim().is_empty(),
                        "a problem without a reason: {error:?}"
                    );
                    prop_assert!(
                        error.file.starts_with(&root),
                        "a problem outside the content folder: {error:?}"
                    );
                }
                if !parses {
                    prop_assert!(
                        errors.0.iter().any(|e| e.file == path),
                        "{} is not TOML, but no problem names it: {errors}",
                        file.display()
                    );
                }
                prop_assert!(errors.to_string().lines().count() > errors.0.len());
                Ok(())
            }
        }
    });
}
