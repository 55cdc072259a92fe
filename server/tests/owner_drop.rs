//! A reader of context must survive the owner above it being dropped at the same moment:
//! that is what happens when a browser disconnects while a page renders (the request's
//! owner tree is dropped while a resource future still asks for the database). With
//! reactive_graph 0.2.16 as published this deadlocked the worker thread for good — the
//! server stopped answering after a load test ended mid-request (vendor/README.md).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::prelude::{Owner, provide_context, use_context};

/// A context value whose clone drops the last outside handle on the owner that holds it,
/// so the owner is dropped while `use_context` is still walking up to it.
struct DropsItsOwner(Arc<Mutex<Option<Owner>>>);

impl Clone for DropsItsOwner {
    fn clone(&self) -> Self {
        drop(self.0.lock().unwrap_or_else(|e| e.into_inner()).take());
        DropsItsOwner(Arc::clone(&self.0))
    }
}

#[test]
fn reading_context_while_its_owner_is_dropped_does_not_deadlock() {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let parent = Owner::new();
        let child = parent.child();
        let slot = Arc::new(Mutex::new(None));
        parent.with(|| provide_context(DropsItsOwner(Arc::clone(&slot))));
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(parent);
        let found = child.with(use_context::<DropsItsOwner>).is_some();
        let _ = done.send(found);
    });
    let found = finished
        .recv_timeout(Duration::from_secs(10))
        .expect("use_context deadlocked while the owner holding the context was dropped");
    assert!(found, "the context was still found");
}

/// A page's `Suspense` re-walks its children from an effect task (`dry_resolve`) when its
/// resources finish loading. If the browser disconnects at that moment, the request's owner
/// — and with it every resource — is disposed while that walk runs on another thread, and
/// the walk's `resource.await` finds the resource gone. As published, reactive_graph 0.2.16
/// panicked there ("Tried to access a reactive value that has already been disposed"; the
/// page fuzzing met it once in 640,000 requests); a disposed resource's future now stays
/// pending, and its task is dropped with the view that held it.
#[tokio::test]
async fn awaiting_a_resource_whose_owner_is_gone_does_not_panic() {
    use futures::FutureExt;
    use leptos::prelude::AsyncDerived;

    let _ = any_spawner::Executor::init_tokio();
    let owner = Owner::new();
    let resource = owner.with(|| AsyncDerived::new(|| async { 7_u32 }));
    // While it lives, the value arrives.
    assert_eq!(resource.await, 7);
    owner.cleanup();
    let after = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resource.into_future().now_or_never()
    }));
    assert!(
        matches!(after, Ok(None)),
        "awaiting a disposed resource panicked or resolved instead of staying pending"
    );
    let by_ref = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resource.by_ref().now_or_never().map(|_| ())
    }));
    assert!(
        matches!(by_ref, Ok(None)),
        "by_ref on a disposed resource panicked"
    );
}
