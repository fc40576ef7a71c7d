//! One statement for the requests that arrive together.
//!
//! A write costs a database round trip per statement, and on a busy server the round trips,
//! not the rows, are most of what the server and PostgreSQL spend per request. A [`Batcher`]
//! sends a request's item at once, alone, when no statement of its kind is running (a quiet
//! server); otherwise it queues the item, and each of its workers takes everything queued (up
//! to [`MOST`]) and sends it as one statement of arrays: the whole crowd at once on a busy
//! server, so nothing waits to fill a batch.
//!
//! Items that must not share a statement (two writes of one member: an upsert may not touch a
//! row twice) carry the same [`Batched::key`]; a later one waits for the next batch. If a
//! batch fails, each of its items is tried alone, so one bad item fails only its own request.
//! An item whose requester stopped waiting (and was told it failed) is dropped, not run.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot, Mutex};

/// The most items one statement takes.
pub const MOST: usize = 64;
/// Requests that may wait for a worker; more wait to be queued.
const QUEUED: usize = 1024;

/// A statement that takes many requests' items at once.
pub trait Batched: Send + Sync + 'static {
    type Item: Send + Sync + 'static;
    type Out: Send + 'static;
    type Key: Eq + Hash + Send;

    /// Items with equal keys never go in one statement.
    fn key(&self, item: &Self::Item) -> Option<Self::Key>;

    /// Runs the statement for `items`; one output per item, in their order.
    fn run<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        items: &'a [Self::Item],
    ) -> impl Future<Output = sqlx::Result<Vec<Self::Out>>> + Send + 'a;
}

struct Job<B: Batched> {
    item: B::Item,
    answer: oneshot::Sender<sqlx::Result<B::Out>>,
}

/// Sends [`Batched`] items together. Its workers start with the first item, on the runtime
/// that sends it.
pub struct Batcher<B: Batched> {
    statement: Arc<B>,
    pool: PgPool,
    workers: usize,
    queue: OnceLock<mpsc::Sender<Job<B>>>,
    /// Statements of this kind running now, alone or batched.
    running: Arc<AtomicUsize>,
}

impl<B: Batched> Batcher<B> {
    pub fn new(statement: B, pool: PgPool, workers: usize) -> Self {
        Self {
            statement: Arc::new(statement),
            pool,
            workers: workers.max(1),
            queue: OnceLock::new(),
            running: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Runs `item` alone on a connection of the caller's (in a transaction).
    pub async fn run_on(&self, conn: &mut PgConnection, item: &B::Item) -> sqlx::Result<B::Out> {
        alone(&*self.statement, conn, item).await
    }

    /// Runs `item` with whatever else is queued. The wait is bounded: by the batch before
    /// this one and this one's own, each bounded by the pool's timeouts.
    pub async fn run(&self, item: B::Item) -> sqlx::Result<B::Out> {
        // Nothing of this kind running: nothing to wait for or join, so run it here and now.
        // Handing it to a worker would only cost the wake-ups of two tasks (a millisecond on
        // a quiet server). Two that both find nothing running each go alone, which is safe:
        // only items in one statement must not share a key.
        if self.running.load(Ordering::Acquire) == 0 {
            let _running = Running::start(&self.running);
            let mut conn = self.pool.acquire().await?;
            return alone(&*self.statement, &mut conn, &item).await;
        }
        let queue = self.queue.get_or_init(|| self.start());
        let (answer, answered) = oneshot::channel();
        let bound = wait_bound(&self.pool);
        let waited = tokio::time::timeout(bound, async {
            queue
                .send(Job { item, answer })
                .await
                .map_err(|_| sqlx::Error::PoolClosed)?;
            answered.await.map_err(|_| sqlx::Error::PoolClosed)?
        })
        .await;
        waited.unwrap_or(Err(sqlx::Error::PoolTimedOut))
    }

    fn start(&self) -> mpsc::Sender<Job<B>> {
        let (queue, jobs) = mpsc::channel(QUEUED);
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..self.workers {
            tokio::spawn(work(
                self.statement.clone(),
                self.pool.clone(),
                jobs.clone(),
                self.running.clone(),
            ));
        }
        queue
    }
}

/// Takes what is queued, runs it, answers; until every sender is gone.
async fn work<B: Batched>(
    statement: Arc<B>,
    pool: PgPool,
    jobs: Arc<Mutex<mpsc::Receiver<Job<B>>>>,
    running: Arc<AtomicUsize>,
) {
    // Jobs whose key was taken in the last batch: they go first in the next.
    let mut held: VecDeque<Job<B>> = VecDeque::new();
    loop {
        let mut forming = Forming::new(&*statement);
        for job in std::mem::take(&mut held) {
            forming.take(job, &mut held);
        }
        if forming.batch.is_empty() {
            let mut jobs = jobs.lock().await;
            match jobs.recv().await {
                Some(job) => forming.take(job, &mut held),
                None => return,
            }
            forming.drain(&mut jobs, &mut held);
        } else if let Ok(mut jobs) = jobs.try_lock() {
            // With jobs in hand, never wait for the queue: another worker may be holding it
            // while it waits for a job to arrive.
            forming.drain(&mut jobs, &mut held);
        }
        if forming.batch.is_empty() {
            continue;
        }
        let _running = Running::start(&running);
        answer(&*statement, &pool, forming.batch).await;
    }
}

/// Counts a running statement for as long as it lives (a cancelled request included).
struct Running<'a>(&'a AtomicUsize);

impl<'a> Running<'a> {
    fn start(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self(count)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A batch being gathered, with the keys it holds.
struct Forming<'s, B: Batched> {
    statement: &'s B,
    batch: Vec<Job<B>>,
    keys: HashSet<B::Key>,
}

impl<'s, B: Batched> Forming<'s, B> {
    fn new(statement: &'s B) -> Self {
        Self {
            statement,
            batch: Vec::new(),
            keys: HashSet::new(),
        }
    }

    /// Adds what is queued, up to [`MOST`].
    fn drain(&mut self, jobs: &mut mpsc::Receiver<Job<B>>, held: &mut VecDeque<Job<B>>) {
        while self.batch.len() < MOST {
            match jobs.try_recv() {
                Ok(job) => self.take(job, held),
                Err(_) => break,
            }
        }
    }

    fn take(&mut self, job: Job<B>, held: &mut VecDeque<Job<B>>) {
        // Its requester gave up (its wait ran out): told it failed, so it must not happen.
        if job.answer.is_closed() {
            return;
        }
        if let Some(key) = self.statement.key(&job.item) {
            if self.keys.contains(&key) {
                held.push_back(job);
                return;
            }
            self.keys.insert(key);
        }
        self.batch.push(job);
    }
}

async fn answer<B: Batched>(statement: &B, pool: &PgPool, batch: Vec<Job<B>>) {
    let (items, answers): (Vec<_>, Vec<_>) = batch.into_iter().map(|j| (j.item, j.answer)).unzip();
    match run(statement, pool, &items).await {
        Ok(outs) if outs.len() == items.len() => {
            for (answer, out) in answers.into_iter().zip(outs) {
                // The requester may have given up; the write stands either way.
                let _ = answer.send(Ok(out));
            }
        }
        Ok(outs) => {
            for answer in answers {
                let _ = answer.send(Err(sqlx::Error::Protocol(format!(
                    "a batched statement answered {} of {} items",
                    outs.len(),
                    items.len()
                ))));
            }
        }
        Err(error) if items.len() == 1 => {
            if let Some(answer) = answers.into_iter().next() {
                let _ = answer.send(Err(error));
            }
        }
        Err(error) => {
            tracing::warn!(%error, items = items.len(), "a batched statement failed; trying its items one at a time");
            for (item, answer) in items.iter().zip(answers) {
                let answered = match pool.acquire().await {
                    Ok(mut conn) => alone(statement, &mut conn, item).await,
                    Err(error) => Err(error),
                };
                let _ = answer.send(answered);
            }
        }
    }
}

async fn run<B: Batched>(
    statement: &B,
    pool: &PgPool,
    items: &[B::Item],
) -> sqlx::Result<Vec<B::Out>> {
    let mut conn = pool.acquire().await?;
    statement.run(&mut conn, items).await
}

/// The statement for one item, and that item's answer.
async fn alone<B: Batched>(
    statement: &B,
    conn: &mut PgConnection,
    item: &B::Item,
) -> sqlx::Result<B::Out> {
    let mut outs = statement.run(conn, std::slice::from_ref(item)).await?;
    outs.pop()
        .ok_or_else(|| sqlx::Error::Protocol("a batched statement answered nothing".into()))
}

/// How long an item may wait at most: for the batch before its own, and its own, each of
/// which waits at most the pool's timeout for a connection and again for its statement (the
/// pool's connections share that timeout as `statement_timeout`).
fn wait_bound(pool: &PgPool) -> Duration {
    pool.options().get_acquire_timeout() * 3
}
