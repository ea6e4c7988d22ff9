//! A parallel map over a slice, on scoped threads: the files of a project parse independently.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Each thread gets a large stack: parsing recurses as deep as the source nests (within the
/// limits the syntax stage enforces).
const STACK_SIZE: usize = 64 * 1024 * 1024;

/// `items.iter().map(f)`, on as many threads as there are cores, results in the order of `items`.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            std::thread::Builder::new()
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || {
                    // Each thread takes the next item until none is left: long files do not hold
                    // up a thread while another one idles.
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        let result = f(item);
                        results.lock().expect("no thread panics holding the lock")[index] =
                            Some(result);
                    }
                })
                .expect("a thread can be started");
        }
    });
    results
        .into_inner()
        .expect("no thread panicked")
        .into_iter()
        .map(|r| r.expect("every item was mapped"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(
            super::map(&items, |n| n * 2),
            (0..100).map(|n| n * 2).collect::<Vec<_>>()
        );
        assert_eq!(super::map(&[] as &[u32], |n| *n), Vec::<u32>::new());
    }
}
