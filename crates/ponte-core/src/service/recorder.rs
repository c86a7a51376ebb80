//! Execution records, written off the request path by one writer task, in batches.
//!
//! A call answers as soon as its automation has run; its record goes through a bounded queue to
//! a single task that gathers records for a short while after the first one arrives (the
//! policy's `gather`, [`DEFAULT_GATHER`]; up to [`BATCH`] records) and stores them in one
//! transaction. One writer suits SQLite (one writer at a time anyway), and one commit serves
//! every call of the interval: the writer keeps up on either store when traffic is high, and at
//! low traffic a call does not cost a commit of its own (each commit rewrites whole pages of
//! the database's log, kilobytes for a row of a few hundred bytes).
//!
//! Recording never slows a call down: when the queue is full, a call's record is dropped and
//! counted (`ponte_execution_records_dropped_total`), never waited for. Test runs are the
//! exception: an operator asked for that record, so a test run waits for room.
//!
//! What this trades: records still queued when the process dies are lost (the answers they
//! describe were already sent), at most `gather` worth of them beyond the backlog. A graceful
//! shutdown [`flush`](Recorder::flush)es the queue, and a test run's record, which an operator
//! is about to read, ends the gathering at once.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use tokio::sync::{mpsc, oneshot};

use crate::model::ExecutionRecord;
use crate::store::Store;

/// Most records stored in one transaction.
const BATCH: usize = 256;

/// How many records may wait for the writer before new ones are dropped.
pub const DEFAULT_QUEUE: usize = 8192;

/// How long the writer gathers records before a commit, by default.
pub const DEFAULT_GATHER: Duration = Duration::from_millis(100);

enum Message {
    Record(Box<ExecutionRecord>),
    /// A record someone is waiting to read (a test run's): stored without gathering more.
    Urgent(Box<ExecutionRecord>),
    /// Answered once every record queued before it is stored.
    Flush(oneshot::Sender<()>),
}

impl Message {
    /// True when the writer should commit now rather than gather more.
    fn is_pressing(&self) -> bool {
        !matches!(self, Message::Record(_))
    }
}

/// What the recorder counts, shared with the service's metrics.
#[derive(Debug, Clone, Default)]
pub(super) struct RecorderCounters {
    /// Records dropped because the queue was full.
    pub(super) dropped: Counter,
    /// Records stored.
    pub(super) written: Counter,
    /// Records the store refused (logged one by one).
    pub(super) failed: Counter,
}

/// The queue to the writer task, started on first use (so building a [`super::Ponte`] needs no
/// runtime).
pub(super) struct Recorder {
    store: Arc<dyn Store>,
    queue: OnceLock<mpsc::Sender<Message>>,
    capacity: usize,
    gather: Duration,
    counters: RecorderCounters,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("started", &self.queue.get().is_some())
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    pub(super) fn new(
        store: Arc<dyn Store>,
        capacity: usize,
        gather: Duration,
        counters: RecorderCounters,
    ) -> Self {
        Self {
            store,
            queue: OnceLock::new(),
            capacity: capacity.max(1),
            gather,
            counters,
        }
    }

    fn queue(&self) -> &mpsc::Sender<Message> {
        self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(self.capacity);
            tokio::spawn(write_all(
                self.store.clone(),
                receiver,
                self.gather,
                self.counters.clone(),
            ));
            sender
        })
    }

    /// Queues a call's record for the writer without waiting: when the queue is full the
    /// record is dropped and counted. Should the writer be gone (its runtime shut down), the
    /// record is written here instead.
    pub(super) async fn record(&self, record: ExecutionRecord) {
        match self.queue().try_send(Message::Record(Box::new(record))) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.counters.dropped.inc();
                tracing::warn!(
                    "an execution record was dropped: the writer is behind (see \
                     ponte_execution_records_dropped_total)"
                );
            }
            Err(mpsc::error::TrySendError::Closed(Message::Record(record))) => {
                write(self.store.as_ref(), vec![*record], &self.counters).await;
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Queues a record that must not be dropped (a test run), waiting for room if need be; the
    /// writer stores it without gathering more.
    pub(super) async fn record_surely(&self, record: ExecutionRecord) {
        if let Err(mpsc::error::SendError(Message::Urgent(record))) =
            self.queue().send(Message::Urgent(Box::new(record))).await
        {
            write(self.store.as_ref(), vec![*record], &self.counters).await;
        }
    }

    /// Waits until every record queued so far is stored.
    pub(super) async fn flush(&self) {
        let Some(queue) = self.queue.get() else {
            return;
        };
        let (done, stored) = oneshot::channel();
        if queue.send(Message::Flush(done)).await.is_ok() {
            // An error only means the writer is gone, and with it everything it could store.
            let _ = stored.await;
        }
    }
}

/// The writer: stores records in the order they were queued, a batch at a time, until every
/// sender is gone. After the first record of a batch it gathers more for up to `gather`, unless
/// the batch is full or something in it is pressing (a flush, a test run's record).
async fn write_all(
    store: Arc<dyn Store>,
    mut queue: mpsc::Receiver<Message>,
    gather: Duration,
    counters: RecorderCounters,
) {
    let mut messages = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut messages, BATCH).await > 0 {
        let until = tokio::time::Instant::now() + gather;
        while messages.len() < BATCH && !messages.iter().any(Message::is_pressing) {
            let room = BATCH - messages.len();
            match tokio::time::timeout_at(until, queue.recv_many(&mut messages, room)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let mut batch = Vec::with_capacity(messages.len());
        for message in messages.drain(..) {
            match message {
                Message::Record(record) | Message::Urgent(record) => batch.push(*record),
                Message::Flush(done) => {
                    write(store.as_ref(), std::mem::take(&mut batch), &counters).await;
                    let _ = done.send(());
                }
            }
        }
        write(store.as_ref(), batch, &counters).await;
    }
}

/// Stores a batch in one transaction. Should the batch fail (a record of an integration deleted
/// meanwhile, say), its records are stored one by one so one bad record costs only itself.
/// The answer matters more than its record: a failed insert is logged and counted, not
/// returned.
async fn write(store: &dyn Store, batch: Vec<ExecutionRecord>, counters: &RecorderCounters) {
    if batch.is_empty() {
        return;
    }
    if store.insert_executions(&batch).await.is_ok() {
        counters.written.inc_by(batch.len() as u64);
        return;
    }
    for record in &batch {
        match store.insert_execution(record).await {
            Ok(()) => {
                counters.written.inc();
            }
            Err(err) => {
                counters.failed.inc();
                tracing::error!(
                    error = %err,
                    execution_id = %record.id,
                    integration = record.integration.as_str(),
                    "the execution record could not be stored"
                );
            }
        }
    }
}
