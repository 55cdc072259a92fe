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
