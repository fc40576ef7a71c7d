//! `db::batch`: requests that arrive together share one statement, items with one key never
//! do, and a bad item fails only its own request; on a real PostgreSQL.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgConnection;
use waypoint::db::batch::{Batched, Batcher, MOST};

use crate::support::db::{fresh_pool, fresh_pool_with_timeout};

/// Doubles numbers in one statement per batch, and records each batch's values. A zero makes
/// the statement fail (a division by zero), as one bad item would; a batch holding
/// [`SLOW`] takes a second first.
#[derive(Default)]
struct Double {
    batches: Arc<Mutex<Vec<Vec<i32>>>>,
}

const SLOW: i32 = 1_000;

impl Batched for Double {
    /// (key, value)
    type Item = (i32, i32);
    type Out = i32;
    type Key = i32;

    fn key(&self, item: &(i32, i32)) -> Option<i32> {
        Some(item.0)
    }

    async fn run(&self, conn: &mut PgConnection, items: &[(i32, i32)]) -> sqlx::Result<Vec<i32>> {
        let values: Vec<i32> = items.iter().map(|i| i.1).collect();
        self.batches.lock().unwrap().push(values.clone());
        if values.contains(&SLOW) {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        sqlx::query_scalar(
            "SELECT (2 * v * v) / v FROM unnest($1::int[]) WITH ORDINALITY AS t (v, n) ORDER BY n",
        )
        .bind(&values)
        .fetch_all(conn)
        .await
    }
}

async fn batcher() -> (Arc<Batcher<Double>>, Arc<Mutex<Vec<Vec<i32>>>>) {
    let double = Double::default();
    let batches = double.batches.clone();
    let pool = fresh_pool().await;
    (Arc::new(Batcher::new(double, pool, 2)), batches)
}

/// Sends every item at once and returns the answers in order.
async fn send_all(
    batcher: &Arc<Batcher<Double>>,
    items: Vec<(i32, i32)>,
) -> Vec<sqlx::Result<i32>> {
    let tasks: Vec<_> = items
        .into_iter()
        .map(|item| {
            let batcher = batcher.clone();
            tokio::spawn(async move { batcher.run(item).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test]
async fn requests_that_arrive_together_share_a_statement() {
    let (batcher, batches) = batcher().await;
    let answers = send_all(&batcher, (1..=200).map(|k| (k, k)).collect()).await;
    for (k, answer) in (1..=200).zip(answers) {
        assert_eq!(answer.unwrap(), 2 * k, "item {k}");
    }
    let batches = batches.lock().unwrap();
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 200);
    assert!(
        batches.len() < 200 && batches.iter().any(|b| b.len() > 1),
        "200 requests at once went one statement each: {batches:?}"
    );
    assert!(batches.iter().all(|b| b.len() <= MOST), "{batches:?}");
}

#[tokio::test]
async fn items_with_one_key_never_share_a_statement() {
    let (batcher, batches) = batcher().await;
    // Twenty items of key 7 among forty of other keys, all at once.
    let items: Vec<(i32, i32)> = (1..=60)
        .map(|v| if v % 3 == 0 { (7, v) } else { (100 + v, v) })
        .collect();
    let answers = send_all(&batcher, items.clone()).await;
    for ((_, v), answer) in items.iter().zip(answers) {
        assert_eq!(answer.unwrap(), 2 * v);
    }
    for batch in batches.lock().unwrap().iter() {
        let sevens = batch.iter().filter(|v| *v % 3 == 0).count();
        assert!(
            sevens <= 1,
            "two items of one key in one statement: {batch:?}"
        );
    }
}

#[tokio::test]
async fn a_failing_item_fails_only_its_own_request() {
    let (batcher, batches) = batcher().await;
    // The first goes alone (nothing is running yet); the zero queues behind it with others.
    let values: Vec<i32> = (1..15).chain([0]).chain(15..30).collect();
    let items: Vec<(i32, i32)> = values.iter().map(|&v| (v, v)).collect();
    let answers = send_all(&batcher, items).await;
    for (&v, answer) in values.iter().zip(answers) {
        match v {
            0 => assert!(answer.is_err(), "the zero divides by zero"),
            v => assert_eq!(answer.unwrap(), 2 * v),
        }
    }
    // The zero's batch failed whole, then each of its items ran alone.
    let batches = batches.lock().unwrap();
    assert!(
        batches.iter().any(|b| b.len() > 1 && b.contains(&0)),
        "{batches:?}"
    );
    assert!(batches.iter().any(|b| b == &vec![0]), "{batches:?}");
}

#[tokio::test]
async fn a_database_out_of_reach_is_an_error_within_the_pool_timeout() {
    let pool = waypoint::db::connect(
        "postgres://waypoint@127.0.0.1:1/none",
        Duration::from_millis(300),
    )
    .await
    .unwrap();
    let batcher = Batcher::new(Double::default(), pool, 1);
    let started = Instant::now();
    let answer = batcher.run((1, 1)).await;
    assert!(answer.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_item_whose_requester_gave_up_is_not_run() {
    let double = Double::default();
    let batches = double.batches.clone();
    // Waits are bounded by three times this: 600 ms, less than the slow batch's second.
    let pool = fresh_pool_with_timeout(Duration::from_millis(200)).await;
    let batcher = Arc::new(Batcher::new(double, pool, 1));
    // The first runs alone at once; the second goes to the one worker and keeps it busy.
    let slow: Vec<_> = [(1, SLOW), (2, SLOW)]
        .into_iter()
        .map(|item| {
            let batcher = batcher.clone();
            tokio::spawn(async move { batcher.run(item).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let gave_up = batcher.run((3, 7)).await;
    assert!(gave_up.is_err(), "waited past its bound: {gave_up:?}");
    for slow in slow {
        // The worker's slow batch outlasts its requester's wait too, but was already running.
        let _ = slow.await.unwrap();
    }
    // Something after it runs, so the worker has taken the queue since.
    assert_eq!(batcher.run((4, 9)).await.unwrap(), 18);
    let batches = batches.lock().unwrap();
    assert!(
        batches.iter().all(|b| !b.contains(&7)),
        "the abandoned item ran: {batches:?}"
    );
}
