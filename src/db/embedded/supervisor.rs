//! Starting the server under a supervisor that stops it when our end of a pipe closes.

use std::path::Path;
use std::process::Stdio;

use tokio::process::{Child, Command};

use super::account::{as_server_user, RunAs};
use super::error::EmbeddedError;
use super::options::ClusterOptions;
use super::setup::open_log;

/// Runs the server in the background, stops it when stdin closes, and (for throwaway clusters)
/// removes the folder afterwards. `$1` postgres, `$2` data, `$3` port, `$4` folder to remove.
/// fd 3 keeps our pipe: background jobs get /dev/null as stdin.
const SUPERVISOR: &str = r#"
exec 3<&0
"$1" -D "$2" -p "$3" -c listen_addresses=127.0.0.1 -c unix_socket_directories= "${@:5}" &
pg=$!
( cat <&3 >/dev/null; kill -INT "$pg" 2>/dev/null ) &
wait "$pg"
status=$?
if [ -n "$4" ]; then rm -rf "$4"; fi
exit "$status"
"#;

pub(super) fn spawn(
    bin: &Path,
    pgdata: &Path,
    port: u16,
    log: &Path,
    options: &ClusterOptions,
    run_as: RunAs,
) -> Result<Child, EmbeddedError> {
    let log_file = open_log(log)?;
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(SUPERVISOR)
        .arg("waypoint-postgres")
        .arg(bin.join("postgres"))
        .arg(pgdata)
        .arg(port.to_string())
        .arg(if options.throwaway {
            options.data_dir.as_os_str()
        } else {
            "".as_ref()
        });
    if options.throwaway {
        // Test data is disposable: trade durability for speed.
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=300",
        ]);
    }
    for setting in &options.settings {
        command.args(["-c", setting]);
    }
    command
        .stdin(Stdio::piped())
        .stdout(log_file.try_clone()?)
        .stderr(log_file);
    as_server_user(&mut command, run_as);
    Ok(command.spawn()?)
}
