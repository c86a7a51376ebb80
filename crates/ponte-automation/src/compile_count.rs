//! Counts compilations of templates and jq programs on the current thread, in test builds
//! only, so a test can show that a run compiles nothing; in other builds it is nothing at all.

#[cfg(test)]
use std::cell::Cell;

#[cfg(test)]
thread_local! {
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

/// One more compilation.
#[inline]
pub(crate) fn one() {
    #[cfg(test)]
    COUNT.with(|c| c.set(c.get() + 1));
}

/// Compilations on this thread so far.
#[cfg(test)]
pub(crate) fn so_far() -> usize {
    COUNT.with(Cell::get)
}
