//! The account the server runs under, and whether it can reach its data.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use tokio::process::Command;

use nix::unistd::{Gid, Uid, User};

use super::error::EmbeddedError;

/// The account the server runs under: ourselves, or `postgres` when we are root.
#[derive(Debug, Clone, Copy)]
pub(super) struct RunAs {
    pub uid: Uid,
    pub gid: Gid,
    pub switch: bool,
}

pub(super) fn run_as() -> Result<RunAs, EmbeddedError> {
    if !Uid::effective().is_root() {
        return Ok(RunAs {
            uid: Uid::effective(),
            gid: Gid::effective(),
            switch: false,
        });
    }
    let user = User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or(EmbeddedError::NoPostgresUser)?;
    Ok(RunAs {
        uid: user.uid,
        gid: user.gid,
        switch: true,
    })
}

/// The server account needs to pass through every parent folder of its data.
pub(super) fn check_reachable(data_dir: &Path, uid: Uid) -> Result<(), EmbeddedError> {
    for dir in data_dir.ancestors() {
        let meta = fs::metadata(dir)?;
        let mode = meta.mode() & 0o7777;
        if meta.uid() != uid.as_raw() && mode & 0o001 == 0 {
            return Err(EmbeddedError::Unreachable {
                data_dir: data_dir.to_path_buf(),
                blocking: dir.to_path_buf(),
                mode,
            });
        }
    }
    Ok(())
}

pub(super) fn as_server_user(command: &mut Command, run_as: RunAs) {
    if run_as.switch {
        command.uid(run_as.uid.as_raw()).gid(run_as.gid.as_raw());
        // Keep HOME and friends from pointing into root's folders.
        command.env("HOME", "/tmp").current_dir("/");
    }
}
