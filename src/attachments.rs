//! Files members attach to commands, fetched from Discord's CDN: only from there (an
//! interaction names the address, and nothing else may be fetched on a member's word), at most
//! a given size, within a bounded time.

use std::time::Duration;

use reqwest::{redirect, Client};

/// Where Discord serves attachments.
pub const DISCORD_CDN: &str = "https://cdn.discordapp.com";
/// How long fetching one file may take, start to end.
pub const FETCH_TIME: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the file is not on Discord's CDN")]
    NotFromDiscord,
    #[error("the file is larger than {0} bytes")]
    TooBig(usize),
    #[error("fetching the file took longer than {0:?}")]
    Slow(Duration),
    #[error("fetching the file failed: {0}")]
    Failed(String),
}

/// Fetches attachments from one CDN base (Discord's, or a test double's).
pub struct Attachments {
    client: Client,
    cdn: String,
}

impl Default for Attachments {
    fn default() -> Self {
        Self::new(DISCORD_CDN)
    }
}

impl Attachments {
    pub fn new(cdn: &str) -> Self {
        // Redirects could lead off the CDN; Discord serves attachments without them.
        let client = Client::builder()
            .redirect(redirect::Policy::none())
            .timeout(FETCH_TIME)
            .build()
            .unwrap_or_default();
        Self {
            client,
            cdn: format!("{}/", cdn.trim_end_matches('/')),
        }
    }

    /// The file at `url`, if it is on the CDN and at most `limit` bytes. The body is read in
    /// pieces and dropped as soon as it passes `limit`, whatever the server said its size was.
    pub async fn fetch(&self, url: &str, limit: usize) -> Result<Vec<u8>, FetchError> {
        self.fetch_within(url, limit, FETCH_TIME).await
    }

    /// The same, given up after `time` (an avatar is not worth waiting [`FETCH_TIME`] for).
    pub async fn fetch_within(
        &self,
        url: &str,
        limit: usize,
        time: Duration,
    ) -> Result<Vec<u8>, FetchError> {
        if !url.starts_with(&self.cdn) {
            return Err(FetchError::NotFromDiscord);
        }
        tokio::time::timeout(time, self.read(url, limit))
            .await
            .unwrap_or(Err(FetchError::Slow(time)))
    }

    /// The address of `path` (such as `avatars/{user}/{hash}.png`) on the CDN.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.cdn, path.trim_start_matches('/'))
    }

    async fn read(&self, url: &str, limit: usize) -> Result<Vec<u8>, FetchError> {
        let failed = |e: reqwest::Error| FetchError::Failed(e.without_url().to_string());
        let mut response = self
            .client
            .get(url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(failed)?;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooBig(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooBig(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}
