//! What kind of embedded cluster to start.

use std::path::PathBuf;

/// What kind of cluster to start.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Folder holding the server's data, its log and its password.
    pub data_dir: PathBuf,
    /// A throwaway cluster: tuned for speed over durability, removed when it stops.
    pub throwaway: bool,
    /// Server settings (`name=value`) on top of those, such as an extension to preload for
    /// the benchmarks' statement counts.
    pub settings: Vec<String>,
}
