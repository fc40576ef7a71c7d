//! The load generator: a closed loop of `concurrency` workers, each on its own keep-alive
//! HTTP/1.1 connection, sending the next pre-signed request as soon as the last one is answered.
//!
//! It drives hyper's connection API directly rather than through reqwest: the generator shares
//! the cores with the server, and skipping the pool, URL parsing and middleware cut its CPU per
//! request by about a quarter on the 2-core machine this was written on.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::net::TcpStream;

use crate::batch::Signed;
use crate::scenarios::Expect;
use crate::uploads::Uploads;

/// Far above any sane answer time; only there so a wedged server cannot hang the benchmark.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
static SIGNATURE: HeaderName = HeaderName::from_static("x-signature-ed25519");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-signature-timestamp");
static JSON: HeaderValue = HeaderValue::from_static("application/json");

#[derive(Debug, Clone, Copy)]
pub enum Until {
    Elapsed(Duration),
    /// This many requests in all (across workers).
    Sent(usize),
}

/// What one load phase saw.
#[derive(Default)]
pub struct Outcome {
    pub ok: u64,
    /// Failure description → how many times.
    pub failures: BTreeMap<String, u64>,
    /// Requests that had to reuse an already-sent body because the batch ran out.
    pub reused: u64,
    pub elapsed: Duration,
    /// Latency of each successful request, in microseconds.
    pub latencies_us: Vec<u32>,
    /// The same, by scenario (filled by paced loads, which mix scenarios).
    pub by_scenario: BTreeMap<&'static str, Vec<u32>>,
}

impl Outcome {
    /// Successful requests per second.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Requests sent, answered well or not.
    pub fn sent(&self) -> u64 {
        self.ok + self.failures.values().sum::<u64>()
    }

    /// Requests sent per second, answered well or not: what the next batch must cover.
    pub fn send_rate(&self) -> f64 {
        self.sent() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Nearest-rank percentile of the successful requests' latency, in ms. Sorts in place.
    pub fn percentile_ms(&mut self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        self.latencies_us.sort_unstable();
        let rank = ((p / 100.0) * self.latencies_us.len() as f64).ceil() as usize;
        f64::from(self.latencies_us[rank.clamp(1, self.latencies_us.len()) - 1]) / 1000.0
    }

    fn absorb(&mut self, other: Outcome) {
        self.ok += other.ok;
        self.reused += other.reused;
        for (what, n) in other.failures {
            *self.failures.entry(what).or_default() += n;
        }
        self.latencies_us.extend(other.latencies_us);
        for (scenario, latencies) in other.by_scenario {
            self.by_scenario
                .entry(scenario)
                .or_default()
                .extend(latencies);
        }
    }

    fn fail(&mut self, what: String) {
        *self.failures.entry(what).or_default() += 1;
    }
}

/// The workers' connections, kept open from one phase to the next like Discord's are.
pub struct Load {
    addr: SocketAddr,
    host: HeaderValue,
    uploads: Arc<Uploads>,
    connections: Vec<Option<Connection>>,
}

type Connection = SendRequest<Full<Bytes>>;

impl Load {
    pub fn new(
        addr: SocketAddr,
        uploads: Arc<Uploads>,
        concurrency: usize,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            addr,
            host: HeaderValue::from_str(&addr.to_string())?,
            uploads,
            connections: (0..concurrency.max(1)).map(|_| None).collect(),
        })
    }

    /// Sends requests from `batch` (in order, wrapping around if it runs out) until `until`,
    /// checking that each answer is a 200 of the `type` and, where given, the text its request
    /// expects.
    pub async fn run(&mut self, batch: Arc<Vec<Signed>>, until: Until) -> Outcome {
        self.drive(batch, 0, until, None).await
    }

    /// Like [`Load::run`], from request `first` of `batch` on: a measured window that takes
    /// up the signed sequence where its warm-up stopped.
    pub async fn run_from(
        &mut self,
        batch: Arc<Vec<Signed>>,
        first: usize,
        until: Until,
    ) -> Outcome {
        self.drive(batch, first, until, None).await
    }

    /// Sends requests from `batch` at a constant `rate` per second for `duration`, whatever
    /// the answers' speed: request i is due at start + i / rate, and its latency counts from
    /// then, so a slow answer that delays the next sends is charged to them too (no
    /// coordinated omission). `concurrency` bounds the requests in flight.
    pub async fn run_paced(
        &mut self,
        batch: Arc<Vec<Signed>>,
        rate: f64,
        duration: Duration,
    ) -> Outcome {
        self.drive(batch, 0, Until::Elapsed(duration), Some(rate))
            .await
    }

    async fn drive(
        &mut self,
        batch: Arc<Vec<Signed>>,
        first: usize,
        until: Until,
        rate: Option<f64>,
    ) -> Outcome {
        let started = Instant::now();
        let job = Arc::new(Job {
            addr: self.addr,
            host: self.host.clone(),
            uploads: self.uploads.clone(),
            batch,
            next: AtomicUsize::new(first),
            pace: rate.map(|rate| (started, rate)),
            stop: match until {
                Until::Elapsed(d) => Stop::At(started + d),
                Until::Sent(n) => Stop::After(first + n),
            },
        });
        let workers: Vec<_> = self
            .connections
            .iter_mut()
            .map(|connection| tokio::spawn(worker(job.clone(), connection.take())))
            .collect();
        let mut total = Outcome::default();
        for (slot, worker) in self.connections.iter_mut().zip(workers) {
            match worker.await {
                Ok((part, connection)) => {
                    total.absorb(part);
                    *slot = connection;
                }
                Err(e) => total.fail(format!("worker died: {e}")),
            }
        }
        total.elapsed = started.elapsed();
        total
    }
}

struct Job {
    addr: SocketAddr,
    host: HeaderValue,
    uploads: Arc<Uploads>,
    batch: Arc<Vec<Signed>>,
    /// Index of the next request to send, shared by all workers.
    next: AtomicUsize,
    /// For a paced load: when it started, and requests per second.
    pace: Option<(Instant, f64)>,
    stop: Stop,
}

enum Stop {
    At(Instant),
    After(usize),
}

async fn worker(
    job: Arc<Job>,
    mut connection: Option<Connection>,
) -> (Outcome, Option<Connection>) {
    let mut tally = Outcome::default();
    let uri = Uri::from_static("/interactions");
    loop {
        let i = job.next.fetch_add(1, Ordering::Relaxed);
        let due = job
            .pace
            .map(|(start, rate)| start + Duration::from_secs_f64(i as f64 / rate));
        let more = match job.stop {
            Stop::At(deadline) => due.unwrap_or_else(Instant::now) < deadline,
            Stop::After(n) => i < n,
        };
        if !more || job.batch.is_empty() {
            return (tally, connection);
        }
        let signed = &job.batch[i % job.batch.len()];
        // A page is the same request every time; only an interaction id can be reused.
        if i >= job.batch.len() && signed.page.is_none() {
            tally.reused += 1;
        }
        // The server may have closed a connection that sat idle between phases.
        if connection.as_ref().is_some_and(SendRequest::is_closed) {
            connection = None;
        }
        if let Some(due) = due {
            tokio::time::sleep_until(due.into()).await;
        }
        let sent = due.unwrap_or_else(Instant::now);
        let sender = match connection.as_mut() {
            Some(sender) => sender,
            None => match connect(job.addr).await {
                Ok(sender) => connection.insert(sender),
                Err(e) => {
                    tally.fail(format!("cannot connect: {e}"));
                    continue;
                }
            },
        };
        let request = match &signed.page {
            Some(page) => {
                let mut request = Request::new(Full::new(Bytes::new()));
                *request.uri_mut() = page.clone();
                request.headers_mut().insert(HOST, job.host.clone());
                request
            }
            None => {
                let mut request = Request::new(Full::new(signed.body.clone()));
                *request.method_mut() = Method::POST;
                *request.uri_mut() = uri.clone();
                let headers = request.headers_mut();
                headers.insert(HOST, job.host.clone());
                headers.insert(CONTENT_TYPE, JSON.clone());
                headers.insert(SIGNATURE.clone(), signed.signature.clone());
                headers.insert(TIMESTAMP.clone(), signed.timestamp.clone());
                request
            }
        };
        let upload = signed
            .upload
            .as_deref()
            .map(|token| job.uploads.expect(token));
        let answer = tokio::time::timeout(REQUEST_TIMEOUT, exchange(sender, request))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {REQUEST_TIMEOUT:?}")));
        let answer = answer.and_then(|(status, body)| check(status, &body, signed.expect));
        // A reply whose answer is an upload is done when the upload arrives.
        let answer = match (answer, upload) {
            (Ok(()), Some(upload)) => match tokio::time::timeout(REQUEST_TIMEOUT, upload).await {
                Ok(Ok(_bytes)) => Ok(()),
                _ => Err(format!("no upload within {REQUEST_TIMEOUT:?}")),
            },
            (answer, _) => answer,
        };
        match answer {
            Ok(()) => {
                tally.ok += 1;
                let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                tally.latencies_us.push(micros);
                if job.pace.is_some() {
                    tally
                        .by_scenario
                        .entry(signed.scenario)
                        .or_default()
                        .push(micros);
                }
            }
            Err(what) => {
                // The connection may be in any state now: start the next request on a new one.
                connection = None;
                tally.fail(what);
            }
        }
    }
}

async fn connect(addr: SocketAddr) -> Result<Connection, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    // Drives the socket; it ends by itself when `sender` is dropped or the server hangs up.
    tokio::spawn(connection);
    Ok(sender)
}

async fn exchange(
    sender: &mut Connection,
    request: Request<Full<Bytes>>,
) -> Result<(u16, Bytes), String> {
    sender
        .ready()
        .await
        .map_err(|e| format!("connection lost: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("answer cut short: {e}"))?
        .to_bytes();
    Ok((status, body))
}

/// Only the `type` of the answer is parsed; serde skips the rest without building it.
#[derive(Deserialize)]
struct Kind {
    #[serde(rename = "type")]
    kind: u64,
}

fn check(status: u16, body: &[u8], expect: Expect) -> Result<(), String> {
    if status != 200 {
        return Err(format!("HTTP {status}: {}", snippet(body)));
    }
    // A page is HTML, checked by its text alone; an interaction answer by its type first.
    if expect.kind != crate::scenarios::HTML {
        match serde_json::from_slice::<Kind>(body) {
            Ok(Kind { kind }) if kind != expect.kind => {
                return Err(format!("type {kind} instead of {}", expect.kind))
            }
            Ok(_) => {}
            Err(_) => return Err(format!("not an interaction response: {}", snippet(body))),
        }
    }
    // `a|b`: either text shows a success.
    let found = |text: &str| body.windows(text.len()).any(|w| w == text.as_bytes());
    match expect.text {
        Some(texts) if !texts.split('|').any(found) => Err(format!(
            "not a success (none of {texts:?}): {}",
            snippet(body)
        )),
        _ => Ok(()),
    }
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(120).collect()
}
