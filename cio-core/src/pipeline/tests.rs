//! The pipeline's logic against an in-crate fake sink (no HTTP): batching, retries,
//! 207 handling, poison isolation, flush, shutdown, full-queue policies. Time is
//! paused, so backoff waits pass instantly.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use super::*;
use crate::delivery::sink::{ItemError, SendOutcome};

#[derive(serde::Serialize)]
struct Clicked {
    n: u32,
}

impl Event for Clicked {
    const NAME: &'static str = "clicked";
}

type Respond = dyn Fn(usize, &[Operation]) -> SendOutcome + Send + Sync;

/// Records every batch it gets and answers as `respond` says (given the call number).
#[derive(Clone)]
struct FakeSink {
    calls: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Vec<Operation>>>>,
    gate: Arc<Semaphore>,
    respond: Arc<Respond>,
}

impl FakeSink {
    fn new(respond: impl Fn(usize, &[Operation]) -> SendOutcome + Send + Sync + 'static) -> Self {
        FakeSink {
            calls: Arc::new(AtomicUsize::new(0)),
            received: Arc::new(Mutex::new(Vec::new())),
            gate: Arc::new(Semaphore::new(Semaphore::MAX_PERMITS)),
            respond: Arc::new(respond),
        }
    }

    fn accepting() -> Self {
        FakeSink::new(|_, _| SendOutcome::Accepted)
    }

    /// A sink whose sends wait until `open` lets them through.
    fn gated(self) -> Self {
        FakeSink {
            gate: Arc::new(Semaphore::new(0)),
            ..self
        }
    }

    fn open(&self, sends: usize) {
        self.gate.add_permits(sends);
    }

    fn batches(&self) -> Vec<Vec<Operation>> {
        lock(&self.received).clone()
    }

    /// Every event id received in an accepted position, in order.
    fn ids(&self) -> Vec<EventId> {
        self.batches()
            .iter()
            .flatten()
            .filter_map(Operation::event_id)
            .collect()
    }
}

impl Sink<Operation> for FakeSink {
    async fn send(&self, ops: &[Operation]) -> SendOutcome {
        if let Ok(permit) = self.gate.acquire().await {
            permit.forget();
        }
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        lock(&self.received).push(ops.to_vec());
        (self.respond)(call, ops)
    }
}

fn config() -> PipelineConfig {
    PipelineConfig::default().unlimited_rate()
}

async fn track_many(pipeline: &Pipeline, count: u32) -> Vec<EventId> {
    let mut ids = Vec::new();
    for n in 0..count {
        let id = pipeline
            .track(&Customer::id(format!("user-{n}")), Clicked { n })
            .await
            .unwrap();
        ids.push(id);
    }
    ids
}

#[tokio::test(start_paused = true)]
async fn flush_delivers_everything_queued_in_batches_within_the_limit() {
    let sink = FakeSink::accepting();
    let pipeline = Pipeline::with_sink(sink.clone(), config().max_batch_bytes(40_000));
    let ids = track_many(&pipeline, 2_000).await;
    pipeline.flush().await;

    assert_eq!(sink.ids().len(), 2_000);
    assert_eq!(
        sink.ids().into_iter().collect::<HashSet<_>>(),
        ids.iter().copied().collect()
    );
    let batches = sink.batches();
    assert!(batches.len() > 1);
    for batch in &batches {
        assert!(crate::client::batch_body_len(batch) <= 40_000);
    }
    let stats = pipeline.stats();
    assert_eq!(
        (stats.queued, stats.delivered, stats.failed, stats.retried),
        (2_000, 2_000, 0, 0)
    );
    assert_eq!(stats.requests, batches.len() as u64);
    assert_eq!(stats.pending_events, 0);
    assert_eq!(stats.pending_bytes, 0);
    assert!(pipeline.shutdown(Duration::from_secs(1)).await.is_clean());
}

#[tokio::test(start_paused = true)]
async fn the_flush_interval_sends_a_partial_batch_without_a_flush() {
    let sink = FakeSink::accepting();
    let pipeline = Pipeline::with_sink(
        sink.clone(),
        config().flush_interval(Duration::from_millis(200)),
    );
    track_many(&pipeline, 3).await;
    assert!(sink.batches().is_empty());
    let delivered = async {
        while pipeline.stats().delivered < 3 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), delivered)
        .await
        .unwrap();
    assert_eq!(sink.batches().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_with_the_same_ids() {
    let sink = FakeSink::new(|call, _| {
        if call < 3 {
            SendOutcome::Transient {
                retry_after: (call == 1).then_some(Duration::from_secs(1)),
                error: "503".to_owned(),
            }
        } else {
            SendOutcome::Accepted
        }
    });
    let pipeline = Pipeline::with_sink(sink.clone(), config());
    let ids = track_many(&pipeline, 10).await;
    pipeline.flush().await;

    let batches = sink.batches();
    assert_eq!(batches.len(), 4);
    for batch in &batches {
        let sent: HashSet<_> = batch.iter().filter_map(Operation::event_id).collect();
        assert_eq!(sent, ids.iter().copied().collect());
    }
    let stats = pipeline.stats();
    assert_eq!((stats.delivered, stats.retried, stats.failed), (10, 30, 0));
}

#[tokio::test(start_paused = true)]
async fn retries_end_and_are_reported_after_max_attempts() {
    let sink = FakeSink::new(|_, _| SendOutcome::Transient {
        retry_after: None,
        error: "502 bad gateway".to_owned(),
    });
    let retry = PipelineConfig::default_retry().max_retries(2);
    let pipeline = Pipeline::with_sink(sink.clone(), config().retry(retry));
    let ids = track_many(&pipeline, 2).await;
    pipeline.flush().await;

    assert_eq!(sink.batches().len(), 3);
    let failures = pipeline.failures();
    assert_eq!(
        failures.iter().map(Failure::event_id).collect::<Vec<_>>(),
        vec![Some(ids[0]), Some(ids[1])]
    );
    assert_eq!(
        failures[0].reason,
        FailureReason::RetriesExhausted {
            attempts: 3,
            last_error: "502 bad gateway".to_owned()
        }
    );
    let stats = pipeline.stats();
    assert_eq!((stats.delivered, stats.failed, stats.retried), (0, 2, 4));
    assert!(pipeline.failures().is_empty(), "each failure is taken once");
}

#[tokio::test(start_paused = true)]
async fn a_207_reports_invalid_items_and_retries_transient_ones_only() {
    let sink = FakeSink::new(|call, _| {
        if call == 0 {
            SendOutcome::Partial {
                errors: vec![
                    ItemError {
                        index: 1,
                        transient: false,
                        unknown: false,
                        reason: "invalid".to_owned(),
                        field: Some("identifiers".to_owned()),
                        message: "bad".to_owned(),
                    },
                    ItemError {
                        index: 3,
                        transient: true,
                        unknown: false,
                        reason: "internal".to_owned(),
                        field: None,
                        message: "try again".to_owned(),
                    },
                ],
                ambiguity: None,
            }
        } else {
            SendOutcome::Accepted
        }
    });
    let pipeline = Pipeline::with_sink(sink.clone(), config());
    let ids = track_many(&pipeline, 5).await;
    pipeline.flush().await;

    let batches = sink.batches();
    assert_eq!(batches.len(), 2);
    assert_eq!(
        batches[1]
            .iter()
            .filter_map(Operation::event_id)
            .collect::<Vec<_>>(),
        vec![ids[3]]
    );
    let failures = pipeline.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].event_id(), Some(ids[1]));
    assert_eq!(
        failures[0].reason,
        FailureReason::Invalid {
            reason: "invalid".to_owned(),
            field: Some("identifiers".to_owned()),
            message: "bad".to_owned()
        }
    );
    let stats = pipeline.stats();
    assert_eq!((stats.delivered, stats.failed, stats.retried), (4, 1, 1));
}

#[tokio::test(start_paused = true)]
async fn an_ambiguous_207_counts_nothing_delivered_on_its_word() {
    // First answer: one invalid item named, plus doubt; second: an index outside the
    // batch (the fake sink hands it over as is); then success.
    let sink = FakeSink::new(|call, _| match call {
        0 => SendOutcome::Partial {
            errors: vec![ItemError {
                index: 0,
                transient: false,
                unknown: false,
                reason: "invalid".to_owned(),
                field: None,
                message: "bad".to_owned(),
            }],
            ambiguity: Some("`batch_index` 0 is named twice".to_owned()),
        },
        1 => SendOutcome::Partial {
            errors: vec![ItemError {
                index: 7,
                transient: false,
                unknown: false,
                reason: "invalid".to_owned(),
                field: None,
                message: "who?".to_owned(),
            }],
            ambiguity: None,
        },
        _ => SendOutcome::Accepted,
    });
    let pipeline = Pipeline::with_sink(sink.clone(), config());
    let ids = track_many(&pipeline, 3).await;
    pipeline.flush().await;

    let sent: Vec<Vec<EventId>> = sink
        .batches()
        .iter()
        .map(|batch| batch.iter().filter_map(Operation::event_id).collect())
        .collect();
    assert_eq!(
        sent,
        vec![ids.clone(), ids[1..].to_vec(), ids[1..].to_vec()],
        "the unnamed items are sent again until an answer vouches for them"
    );
    let failures = pipeline.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].event_id(), Some(ids[0]));
    let stats = pipeline.stats();
    assert_eq!((stats.delivered, stats.failed, stats.retried), (2, 1, 4));
}

#[tokio::test(start_paused = true)]
async fn an_always_ambiguous_207_ends_in_failures_with_the_reason() {
    let sink = FakeSink::new(|_, _| SendOutcome::Partial {
        errors: Vec::new(),
        ambiguity: Some("the 207 answer lists no error".to_owned()),
    });
    let retry = PipelineConfig::default_retry().max_retries(1);
    let pipeline = Pipeline::with_sink(sink.clone(), config().retry(retry));
    track_many(&pipeline, 2).await;
    pipeline.flush().await;

    let failures = pipeline.failures();
    assert_eq!(failures.len(), 2);
    for failure in &failures {
        assert_eq!(
            failure.reason,
            FailureReason::RetriesExhausted {
                attempts: 2,
                last_error: "the 207 answer lists no error".to_owned()
            }
        );
    }
    let stats = pipeline.stats();
    assert_eq!((stats.delivered, stats.failed, stats.retried), (0, 2, 2));
}

#[tokio::test(start_paused = true)]
async fn a_rejected_batch_is_split_until_the_poison_operation_is_isolated() {
    let poison: Arc<Mutex<Option<EventId>>> = Arc::new(Mutex::new(None));
    let sink = FakeSink::new({
        let poison = poison.clone();
        move |_, ops| {
            let poison = *lock(&poison);
            if ops.iter().any(|op| op.event_id() == poison) {
                SendOutcome::Rejected {
                    error: "400 malformed".to_owned(),
                    item_specific: true,
                }
            } else {
                SendOutcome::Accepted
            }
        }
    });
    let pipeline = Pipeline::with_sink(sink.clone(), config());
    let ids = track_many(&pipeline, 16).await;
    *lock(&poison) = Some(ids[5]);
    pipeline.flush().await;

    let failures = pipeline.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].event_id(), Some(ids[5]));
    let delivered: HashSet<_> = sink
        .batches()
        .iter()
        .filter(|batch| !batch.iter().any(|op| op.event_id() == Some(ids[5])))
        .flatten()
        .filter_map(Operation::event_id)
        .collect();
    assert_eq!(delivered.len(), 15);
    let stats = pipeline.stats();
    assert_eq!((stats.delivered, stats.failed), (15, 1));
}

#[tokio::test(start_paused = true)]
async fn a_401_fails_the_batch_without_splitting() {
    let sink = FakeSink::new(|_, _| SendOutcome::Rejected {
        error: "401".to_owned(),
        item_specific: false,
    });
    let pipeline = Pipeline::with_sink(sink.clone(), config());
    track_many(&pipeline, 4).await;
    pipeline.flush().await;
    assert_eq!(sink.batches().len(), 1);
    assert_eq!(pipeline.failures().len(), 4);
    assert_eq!(pipeline.stats().failed, 4);
}

#[tokio::test(start_paused = true)]
async fn shutdown_delivers_what_is_queued() {
    let sink = FakeSink::accepting();
    let pipeline = Pipeline::with_sink(
        sink.clone(),
        config().flush_interval(Duration::from_secs(3600)),
    );
    let ids = track_many(&pipeline, 100).await;
    assert!(sink.batches().is_empty());
    let report = pipeline.shutdown(Duration::from_secs(10)).await;
    assert!(report.is_clean());
    assert_eq!(report.stats.delivered, 100);
    assert_eq!(sink.ids(), ids);
    assert!(matches!(
        pipeline
            .track(&Customer::id("late"), Clicked { n: 0 })
            .await,
        Err(EnqueueError::Closed(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn a_missed_deadline_gives_back_every_undelivered_operation() {
    let sink = FakeSink::accepting().gated();
    let pipeline = Pipeline::with_sink(sink.clone(), config().max_batch_bytes(40_000));
    let ids = track_many(&pipeline, 1_000).await;
    let report = pipeline.shutdown(Duration::from_millis(100)).await;
    let undelivered: Vec<_> = report
        .undelivered
        .iter()
        .filter_map(Operation::event_id)
        .collect();
    assert_eq!(undelivered, ids);
    assert_eq!(report.stats.failed, 1_000);
    assert_eq!(report.stats.delivered, 0);
    assert_eq!(report.stats.pending_events, 0);
}

#[tokio::test(start_paused = true)]
async fn reject_policy_refuses_and_counts_when_full() {
    let sink = FakeSink::accepting().gated();
    let pipeline = Pipeline::with_sink(
        sink.clone(),
        config().capacity(3, 1 << 20).full_queue(FullQueue::Reject),
    );
    track_many(&pipeline, 3).await;
    let refused = pipeline.track(&Customer::id("x"), Clicked { n: 9 }).await;
    let op = refused.unwrap_err().into_operation().unwrap();
    assert!(op.event_id().is_some());
    let stats = pipeline.stats();
    assert_eq!(
        (stats.queued, stats.dropped, stats.max_pending_events),
        (3, 1, 3)
    );

    sink.open(usize::MAX >> 4);
    pipeline.flush().await;
    assert!(pipeline
        .track(&Customer::id("y"), Clicked { n: 10 })
        .await
        .is_ok());
    pipeline.flush().await;
    assert_eq!(pipeline.stats().delivered, 4);
}

#[tokio::test(start_paused = true)]
async fn wait_policy_blocks_the_producer_until_room_frees_up() {
    let sink = FakeSink::accepting().gated();
    let pipeline = Pipeline::with_sink(sink.clone(), config().capacity(2, 1 << 20));
    track_many(&pipeline, 2).await;
    let third = tokio::spawn({
        let pipeline = pipeline.clone();
        async move {
            pipeline
                .track(&Customer::id("c"), Clicked { n: 3 })
                .await
                .is_ok()
        }
    });
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(!third.is_finished());
    assert_eq!(pipeline.stats().queued, 2);
    sink.open(usize::MAX >> 4);
    assert!(third.await.unwrap());
    pipeline.flush().await;
    let stats = pipeline.stats();
    assert_eq!(
        (stats.delivered, stats.dropped, stats.max_pending_events),
        (3, 0, 2)
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_every_handle_still_delivers_the_queue() {
    let sink = FakeSink::accepting();
    let pipeline = Pipeline::with_sink(
        sink.clone(),
        config().flush_interval(Duration::from_secs(3600)),
    );
    track_many(&pipeline, 10).await;
    drop(pipeline);
    let delivered = async {
        while sink.ids().len() < 10 {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), delivered)
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_input_never_enters_the_queue() {
    let sink = FakeSink::accepting();
    let pipeline = Pipeline::with_sink(sink, config());
    #[derive(serde::Serialize)]
    struct Huge {
        blob: String,
    }
    impl Event for Huge {
        const NAME: &'static str = "huge";
    }
    let result = pipeline
        .track(
            &Customer::id("u"),
            Huge {
                blob: "x".repeat(40_000),
            },
        )
        .await;
    assert!(matches!(result, Err(EnqueueError::Invalid(_))));
    assert_eq!(pipeline.stats().queued, 0);
}

#[test]
fn later_never_overflows() {
    let now = Instant::now();
    assert_eq!(
        later(now, Duration::from_secs(5)),
        now + Duration::from_secs(5)
    );
    assert!(later(now, Duration::MAX) > now + Duration::from_secs(365 * 86_400));
}

#[tokio::test(start_paused = true)]
async fn huge_durations_in_the_config_and_answers_do_not_panic() {
    let sink = FakeSink::new(|call, _| {
        if call == 0 {
            SendOutcome::Transient {
                retry_after: Some(Duration::MAX),
                error: "429".to_owned(),
            }
        } else {
            SendOutcome::Accepted
        }
    });
    let retry = PipelineConfig::default_retry()
        .retry_after_cap(Duration::from_millis(10))
        .backoff(Duration::MAX, Duration::MAX);
    let config = config().flush_interval(Duration::MAX).retry(retry);
    let pipeline = Pipeline::with_sink(sink.clone(), config);
    track_many(&pipeline, 3).await;
    pipeline.flush().await;
    assert_eq!(pipeline.stats().delivered, 3);
    let report = pipeline.shutdown(Duration::MAX).await;
    assert!(report.is_clean());
}
