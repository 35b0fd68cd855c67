//! A concurrency limit with a bounded queue: `running` requests at once, at most `queued`
//! waiting for a turn, and a refusal (503) beyond that, so a flood costs a fast answer
//! instead of memory. tower's `ConcurrencyLimit` waits without bound and `LoadShed` does not
//! wait at all; this is the one in between.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub(crate) struct Gate {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// The queue is full.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Busy;

/// Leaves the queue when dropped, including when the waiting request is cancelled.
struct InQueue<'a>(&'a AtomicUsize);

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Gate {
    pub fn new(running: usize, max_waiting: usize) -> Gate {
        Gate {
            running: Arc::new(Semaphore::new(running.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// A turn, waiting for one when all are taken. The permit is owned so that work moved to
    /// the blocking pool keeps its turn even when the request that started it goes away.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, Busy> {
        if let Ok(permit) = Arc::clone(&self.running).try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        let _queued = InQueue(&self.waiting);
        Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_is_bounded_and_cancelled_waiters_leave_it() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let gate = Arc::new(Gate::new(1, 1));
            let first = gate.enter().await.expect("free turn");
            // One may wait…
            let waiter = {
                let gate = Arc::clone(&gate);
                tokio::spawn(async move { gate.enter().await.map(drop) })
            };
            tokio::task::yield_now().await;
            // …a second is refused at once.
            assert_eq!(gate.enter().await.map(drop), Err(Busy));
            drop(first);
            assert_eq!(waiter.await.expect("join"), Ok(()));

            // A waiter that gives up frees its place in the queue.
            let held = gate.enter().await.expect("free turn");
            let gave_up = tokio::time::timeout(std::time::Duration::from_millis(10), gate.enter());
            assert!(gave_up.await.is_err());
            let again = tokio::time::timeout(std::time::Duration::from_millis(10), gate.enter());
            assert!(again.await.is_err(), "queued, not refused");
            drop(held);
            assert!(gate.enter().await.is_ok());
        });
    }
}
