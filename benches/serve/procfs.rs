//! Memory and CPU use of processes, read from /proc (Linux only).

use std::fs;
use std::path::Path;

use anyhow::Context;

/// /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 on every architecture.
const TICKS_PER_SECOND: f64 = 100.0;

/// A `VmHWM`/`VmRSS`-style line of /proc/<pid>/status, in MiB.
pub fn status_mib(pid: u32, field: &str) -> anyhow::Result<f64> {
    let path = format!("/proc/{pid}/status");
    let status = fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .with_context(|| format!("no {field} line in {path}"))?;
    Ok(kib / 1024.0)
}

/// Starts a new peak-RSS window: after this, `VmHWM` is the peak since now, not since exec.
/// Returns false where the kernel or permissions do not allow it.
pub fn reset_peak_rss(pid: u32) -> bool {
    fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// User plus system CPU time a process has used so far, in seconds.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let path = format!("/proc/{pid}/stat");
    let stat = fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    let (_, ticks) = parse_stat(&stat).with_context(|| format!("cannot parse {path}"))?;
    Ok(ticks / TICKS_PER_SECOND)
}

/// CPU seconds used by a process and its direct children: the PostgreSQL postmaster and its
/// backends, which stay alive as long as the server's pool holds their connections.
pub fn tree_cpu_seconds(root: u32) -> anyhow::Result<f64> {
    let mut total = 0.0;
    for entry in fs::read_dir("/proc").context("cannot list /proc")? {
        let Ok(entry) = entry else { continue };
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        // A process may exit between listing and reading: skip it.
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some((ppid, ticks)) = parse_stat(&stat) {
            if pid == root || ppid == root {
                total += ticks;
            }
        }
    }
    Ok(total / TICKS_PER_SECOND)
}

/// CPU seconds all cores have spent not idle since boot: processes, but also the kernel's
/// softirq work, which is where much of loopback TCP is accounted.
pub fn machine_busy_seconds() -> anyhow::Result<f64> {
    let stat = fs::read_to_string("/proc/stat").context("cannot read /proc/stat")?;
    let ticks: Vec<f64> = stat
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("cpu "))
        .context("no `cpu` line in /proc/stat")?
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal; guest time is already inside user.
    let busy: f64 =
        ticks.iter().take(8).sum::<f64>() - ticks.get(3..5).map_or(0.0, |w| w[0] + w[1]);
    Ok(busy / TICKS_PER_SECOND)
}

/// The postmaster's pid, from the first line of `postmaster.pid` in the data folder.
pub fn postmaster_pid(pgdata: &Path) -> anyhow::Result<u32> {
    let path = pgdata.join("postmaster.pid");
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .next()
        .and_then(|line| line.trim().parse().ok())
        .with_context(|| format!("no pid on the first line of {}", path.display()))
}

/// (ppid, utime + stime ticks). The command name can hold spaces and parentheses, so fields
/// are counted from the last `)`.
fn parse_stat(stat: &str) -> Option<(u32, f64)> {
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    let ppid = fields.get(1)?.parse().ok()?;
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((ppid, utime + stime))
}
