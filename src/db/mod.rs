//! Storage: connecting, migrating, the embedded default server, and one module per aggregate.

pub mod embedded;
pub mod ids;
mod pg_binaries;
pub mod servers;

use std::time::Duration;

use anyhow::Context;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tracing::info;

use crate::config::Config;
use embedded::{Cluster, ClusterOptions};

/// The schema, embedded in the binary so `waypoint migrate` works from anywhere.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// The pool plus, when we started it ourselves, the embedded server behind it.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<Cluster>,
}

impl Database {
    /// Connects to DATABASE_URL, or starts the embedded server when it is unset, and applies
    /// pending migrations.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        let (url, embedded) = match &config.database_url {
            Some(url) => (url.expose().to_string(), None),
            None => {
                let cluster = Cluster::start(&ClusterOptions {
                    data_dir: config.data_dir.clone(),
                    throwaway: false,
                })
                .await?;
                (cluster.url().to_string(), Some(cluster))
            }
        };
        let pool = connect(&url).await?;
        migrate(&pool).await?;
        Ok(Self { pool, embedded })
    }

    /// Closes the pool, then stops the embedded server if we run one.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            cluster.stop().await?;
        }
        Ok(())
    }
}

pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .with_context(|| {
            format!(
                "cannot connect to the database at {}. Check that it is running and that \
                 DATABASE_URL is right, or unset DATABASE_URL to use the embedded database",
                redact(url)
            )
        })
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("applying database migrations failed")?;
    info!(
        migrations = MIGRATOR.iter().count(),
        "database schema is up to date"
    );
    Ok(())
}

/// A connection URL with its password replaced, fit for logs and error messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(unparseable URL)".to_string();
    };
    match rest.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split_once(':').map_or(credentials, |(u, _)| u);
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://bot:s3cret@db.example:5432/waypoint"),
            "postgres://bot:***@db.example:5432/waypoint"
        );
        assert_eq!(
            redact("postgres://localhost/waypoint"),
            "postgres://localhost/waypoint"
        );
        assert!(!redact("postgres://a:p@ss@h/d").contains("p@ss"));
    }
}
