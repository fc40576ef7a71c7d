//! A PostgreSQL cluster of a test's own, which the test stops and starts again (same data,
//! same port) to play a database outage under Waypoint.

use std::time::Duration;

use tempfile::TempDir;
use waypoint::db::embedded::{Cluster, ClusterOptions};

use super::temp_dir;

pub struct RestartableDb {
    options: ClusterOptions,
    /// `None` only while stopped inside `outage`.
    cluster: Option<Cluster>,
    port: u16,
    /// Holds the data folder; deleted last.
    _dir: TempDir,
}

impl RestartableDb {
    /// Starts a cluster and runs the migrations.
    pub async fn start() -> Self {
        let dir = temp_dir("waypoint-outage.", 0o755);
        let options = ClusterOptions {
            data_dir: dir.path().join("data"),
            throwaway: false,
            settings: Vec::new(),
        };
        let cluster = Cluster::start(&options).await.unwrap();
        let port = cluster.port();
        waypoint::db::migrate(cluster.url().expose()).await.unwrap();
        Self {
            options,
            cluster: Some(cluster),
            port,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        self.running().url().expose().to_string()
    }

    fn running(&self) -> &Cluster {
        self.cluster.as_ref().expect("the cluster is running")
    }

    /// Stops the database for `outage`, then starts it again where it was.
    pub async fn outage(&mut self, outage: Duration) {
        let cluster = self.cluster.take().expect("the cluster is running");
        cluster.stop().await.unwrap();
        tokio::time::sleep(outage).await;
        let restarted = Cluster::start_on_port(&self.options, self.port).await;
        self.cluster = Some(restarted.unwrap());
    }

    pub async fn stop(mut self) {
        if let Some(cluster) = self.cluster.take() {
            cluster.stop().await.unwrap();
        }
    }
}
