//! Execution records, written off the request path by one writer task.
//!
//! A call answers as soon as its automation has run; its record goes through a bounded queue to
//! a single task that inserts records one after the other. One writer suits SQLite (one writer
//! at a time anyway, so concurrent inserts would only queue on the database lock) and keeps the
//! insert of a large trace out of the caller's latency on either store.
//!
//! What this trades: records still queued when the process dies are lost (the answers they
//! describe were already sent). A graceful shutdown [`flush`](Recorder::flush)es the queue.
//! When the queue is full, callers wait for room: records are never dropped to keep up.

use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};

use crate::model::ExecutionRecord;
use crate::store::Store;

/// How many records may wait for the writer before callers wait for room.
const QUEUE: usize = 1024;

enum Message {
    Record(Box<ExecutionRecord>),
    /// Answered once every record queued before it is stored.
    Flush(oneshot::Sender<()>),
}

/// The queue to the writer task, started on first use (so building a [`super::Ponte`] needs no
/// runtime).
pub(super) struct Recorder {
    store: Arc<dyn Store>,
    queue: OnceLock<mpsc::Sender<Message>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("started", &self.queue.get().is_some())
            .finish_non_exhaustive()
    }
}

impl Recorder {
    pub(super) fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            queue: OnceLock::new(),
        }
    }

    fn queue(&self) -> &mpsc::Sender<Message> {
        self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE);
            tokio::spawn(write_all(self.store.clone(), receiver));
            sender
        })
    }

    /// Queues `record` for the writer. Should the writer be gone (its runtime shut down), the
    /// record is written here instead.
    pub(super) async fn record(&self, record: ExecutionRecord) {
        if let Err(mpsc::error::SendError(message)) =
            self.queue().send(Message::Record(Box::new(record))).await
            && let Message::Record(record) = message
        {
            write(self.store.as_ref(), &record).await;
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

/// The writer: stores records in the order they were queued until every sender is gone.
async fn write_all(store: Arc<dyn Store>, mut queue: mpsc::Receiver<Message>) {
    while let Some(message) = queue.recv().await {
        match message {
            Message::Record(record) => write(store.as_ref(), &record).await,
            Message::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}

/// The answer matters more than its record: a failed insert is logged, not returned.
async fn write(store: &dyn Store, record: &ExecutionRecord) {
    if let Err(err) = store.insert_execution(record).await {
        tracing::error!(
            error = %err,
            execution_id = %record.id,
            integration = record.integration.as_str(),
            "the execution record could not be stored"
        );
    }
}
