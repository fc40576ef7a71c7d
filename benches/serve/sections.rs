//! Sections of BENCHMARKS.md that belong to one benchmark each (`fanout`, `leaderboard`, `search`),
//! fenced by `<!-- name:start -->` and `<!-- name:end -->`: a bench rewrites only its own, and
//! `serve`, which writes the rest of the file, keeps them all.

// Compiled into each bench binary, and each uses only part of it.
#![allow(dead_code)]

use std::path::Path;

use anyhow::Context;

fn markers(name: &str) -> (String, String) {
    (
        format!("<!-- {name}:start -->"),
        format!("<!-- {name}:end -->"),
    )
}

/// Puts `body` in place of the section `name` of the file at `path`, or appends it.
pub fn write_section(path: &Path, name: &str, body: &str) -> anyhow::Result<()> {
    let (start, end) = markers(name);
    let section = format!("{start}\n{}\n{end}\n", body.trim_end());
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let updated = match (text.find(&start), text.find(&end)) {
        (Some(from), Some(to)) if to > from => format!(
            "{}{section}{}",
            &text[..from],
            text[to + end.len()..].trim_start_matches('\n')
        ),
        _ => format!("{}\n\n{section}", text.trim_end()),
    };
    std::fs::write(path, updated).with_context(|| format!("cannot write {}", path.display()))
}

/// A bench's options, whether it is benchmarking, and its command line as a person would
/// retype it. Cargo adds `--bench` when benchmarking; without it (`cargo test --benches`) a
/// bench makes a small run that checks its harness still works.
pub fn bench_args<O: clap::Parser>(bench: &str) -> (O, bool, String) {
    let mut args: Vec<String> = std::env::args().collect();
    let benchmarking = args.iter().any(|a| a == "--bench");
    args.retain(|a| a != "--bench");
    let options = O::parse_from(&args);
    (options, benchmarking, command_line(bench, &args[1..]))
}

/// A bench's exit: success, or the error with its causes and a failure.
pub fn exit_code(result: anyhow::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Writes a bench's own section `name` (`what` in the message) into the file at `path`.
pub fn write_own(path: &Path, name: &str, what: &str, markdown: &str) -> anyhow::Result<()> {
    write_section(path, name, markdown)?;
    eprintln!("wrote the {what} section of {}", path.display());
    Ok(())
}

/// `ours` followed by every fenced section the file at `path` holds now.
pub fn keep_sections(path: &Path, ours: String) -> String {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = ours.trim_end().to_string();
    let mut rest = old.as_str();
    while let Some(from) = rest.find("<!-- ") {
        let Some(name) = rest[from + 5..]
            .split(':')
            .next()
            .filter(|n| rest[from..].starts_with(&markers(n).0))
        else {
            rest = &rest[from + 5..];
            continue;
        };
        let end = markers(name).1;
        let Some(to) = rest[from..].find(&end) else {
            break;
        };
        out.push_str("\n\n");
        out.push_str(&rest[from..from + to + end.len()]);
        rest = &rest[from + to + end.len()..];
    }
    out.push('\n');
    out
}

/// The command line a section says wrote it: `cargo bench --bench NAME`, then the bench's own
/// arguments, quoted as a shell would need them.
pub fn command_line(bench: &str, args: &[String]) -> String {
    let base = format!("cargo bench --bench {bench}");
    if args.is_empty() {
        return base;
    }
    let quoted =
        shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "));
    format!("{base} -- {quoted}")
}
