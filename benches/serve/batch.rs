//! Requests signed ahead of time: ed25519 signing costs about as much as the server's check,
//! so doing it inside the timed loop would measure the client.

use std::collections::HashMap;
use std::thread;

use anyhow::Context;
// The `bytes` crate's shared buffer, through a dependency we already have: cloning it for
// each send does not copy the body.
use axum::body::Bytes;
use chrono::Utc;
use reqwest::header::HeaderValue;

use crate::payloads::{Key, Sender, FIRST_MEMBER, GUILD_ID};
use crate::scenarios::{Expect, Scenario};

/// Snowflake-sized ids far from anything real.
const FIRST_INTERACTION: u64 = 1_200_000_000_000_000_000;

pub struct Signed {
    /// The scenario it belongs to (mixed loads report latency per scenario).
    pub scenario: &'static str,
    pub body: Bytes,
    /// What a correct answer to it looks like.
    pub expect: Expect,
    pub signature: HeaderValue,
    pub timestamp: HeaderValue,
    /// For a reply that is uploaded after a deferral: the interaction's token, which the
    /// upload names.
    pub upload: Option<String>,
    /// For a community page: its path, fetched with a GET instead of the signed POST.
    pub page: Option<hyper::Uri>,
}

/// Hands out interaction ids that are never reused within a run, and cycles members: each
/// scenario's requests go round the members in turn, counted per scenario, so a scenario's
/// passes over the members (`Sender::pass`) do not depend on what ran between its runs.
pub struct Ids {
    next: u64,
    members: u64,
    servers: u64,
    sent: HashMap<&'static str, u64>,
}

impl Ids {
    pub fn new(members: u64, servers: u64) -> Self {
        Self {
            next: FIRST_INTERACTION,
            members: members.max(1),
            servers: servers.max(1),
            sent: HashMap::new(),
        }
    }

    /// The last `count` requests taken for `scenario` were never sent: its next ones go to
    /// the members those would have gone to, so every member's next request is the next in
    /// their sequence (a write finds a topic not yet marked).
    pub fn unsent(&mut self, scenario: &'static str, count: u64) {
        let sent = self.sent.entry(scenario).or_default();
        *sent = sent.saturating_sub(count);
    }

    fn take(&mut self, scenario: &'static str, count: usize) -> Vec<Sender> {
        let sent = self.sent.entry(scenario).or_default();
        let first = *sent;
        *sent += count as u64;
        let senders = (0..count as u64)
            .map(|i| {
                let n = self.next + i;
                let k = first + i;
                Sender {
                    interaction: n,
                    member: FIRST_MEMBER + k % self.members,
                    guild: GUILD_ID + k % self.servers,
                    pass: k / self.members,
                }
            })
            .collect();
        self.next += count as u64;
        senders
    }
}

/// `count` requests of one scenario, signed now (the server accepts them for five minutes).
pub fn sign(
    scenario: &Scenario,
    key: &Key,
    ids: &mut Ids,
    count: usize,
) -> anyhow::Result<Vec<Signed>> {
    let senders = ids.take(scenario.id, count);
    let timestamp = Utc::now().timestamp().to_string();
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = senders.len().div_ceil(threads).max(1);
    thread::scope(|scope| {
        let workers: Vec<_> = senders
            .chunks(chunk)
            .map(|part| scope.spawn(|| sign_part(scenario, key, &timestamp, part)))
            .collect();
        let mut all = Vec::with_capacity(count);
        for worker in workers {
            let part = worker
                .join()
                .map_err(|_| anyhow::anyhow!("a signing thread panicked"))??;
            all.extend(part);
        }
        Ok(all)
    })
}

fn sign_part(
    scenario: &Scenario,
    key: &Key,
    timestamp: &str,
    senders: &[Sender],
) -> anyhow::Result<Vec<Signed>> {
    let timestamp_header = HeaderValue::from_str(timestamp).context("timestamp header")?;
    if let Some(page) = scenario.page {
        let uri: hyper::Uri = format!("/c/{}{page}", crate::payloads::WEB_SLUG)
            .parse()
            .context("a page's path")?;
        return Ok(senders
            .iter()
            .map(|_| Signed {
                scenario: scenario.id,
                body: Bytes::new(),
                expect: scenario.expect,
                signature: HeaderValue::from_static(""),
                timestamp: timestamp_header.clone(),
                upload: None,
                page: Some(uri.clone()),
            })
            .collect());
    }
    senders
        .iter()
        .map(|&who| {
            let body = serde_json::to_vec(&(scenario.body)(who)).context("encoding a body")?;
            let signature = key.sign(timestamp, &body);
            Ok(Signed {
                signature: HeaderValue::from_str(&signature).context("signature header")?,
                timestamp: timestamp_header.clone(),
                body: Bytes::from(body),
                expect: scenario.expect,
                scenario: scenario.id,
                upload: scenario
                    .uploads
                    .then(|| crate::payloads::token(who.interaction)),
                page: None,
            })
        })
        .collect()
}

/// `each` requests of every scenario, signed now and interleaved request by request.
pub fn mixed(
    scenarios: &[&'static Scenario],
    key: &Key,
    ids: &mut Ids,
    each: usize,
) -> anyhow::Result<Vec<Signed>> {
    let mut parts: Vec<std::vec::IntoIter<Signed>> = Vec::new();
    for scenario in scenarios {
        parts.push(sign(scenario, key, ids, each)?.into_iter());
    }
    let mut all = Vec::with_capacity(each * parts.len());
    for _ in 0..each {
        for part in &mut parts {
            all.extend(part.next());
        }
    }
    Ok(all)
}
