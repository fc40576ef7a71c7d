//! What the numbers were measured on: hardware, OS, and the code's revision.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub os: String,
    pub kernel: String,
}

impl Machine {
    /// Best effort: a field that cannot be read says "unknown" rather than failing the run.
    pub fn describe() -> Self {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let os_release = fs::read_to_string("/etc/os-release").unwrap_or_default();
        Self {
            cpu: field(&cpuinfo, "model name", ':').unwrap_or_else(|| "unknown".into()),
            cores: cores(),
            memory_gib: field(&meminfo, "MemTotal", ':')
                .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or(f64::NAN, |kib| kib / 1024.0 / 1024.0),
            os: field(&os_release, "PRETTY_NAME", '=')
                .map(|v| v.trim_matches('"').to_string())
                .unwrap_or_else(|| "unknown".into()),
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
                .map_or_else(|_| "unknown".into(), |v| v.trim().to_string()),
        }
    }
}

/// The setup lines every benchmark section starts with: what it ran on, the command that
/// wrote it, when, and on which code.
pub fn provenance(machine: &Machine, command: &str, date: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "- Machine: {} ({} cores), {:.1} GiB RAM, {} (Linux {})\n\
         - Command: `{command}`\n\
         - Date: {}\n\
         - Code: {}\n",
        machine.cpu,
        machine.cores,
        machine.memory_gib,
        machine.os,
        machine.kernel,
        date.format("%Y-%m-%d %H:%M UTC"),
        measured_revision().unwrap_or_else(|| "unknown revision".into()),
    )
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn field(text: &str, key: &str, separator: char) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(separator)?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The code measured, read the first time it is asked for: each bench asks as it starts, right
/// after cargo built it, so edits made while it runs are not put down to the code it measured.
pub fn measured_revision() -> Option<String> {
    static MEASURED: OnceLock<Option<String>> = OnceLock::new();
    MEASURED
        .get_or_init(|| revision(Path::new(env!("CARGO_MANIFEST_DIR"))))
        .clone()
}

/// `abc1234`, plus a note when the work tree differs from it (but for BENCHMARKS.md, which the
/// benches write themselves), so a table can be traced to the code it measured.
/// `--no-optional-locks` keeps `git status` from touching the index.
fn revision(checkout: &Path) -> Option<String> {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("--no-optional-locks")
            .arg("-C")
            .arg(checkout)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    let status = [
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
        ":(exclude)BENCHMARKS.md",
    ];
    let dirty = !git(&status)?.is_empty();
    Some(if dirty {
        format!("{commit} with uncommitted changes")
    } else {
        commit
    })
}
