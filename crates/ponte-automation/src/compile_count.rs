//! Counts compilations of templates and jq programs, and jq programs left to jaq, on the
//! current thread, in test builds only, so a test can show that a run compiles nothing and
//! which programs the direct evaluator runs; in other builds it is nothing at all.

#[cfg(test)]
use std::cell::Cell;

#[cfg(test)]
thread_local! {
    static COUNT: Cell<usize> = const { Cell::new(0) };
    static JAQ_RUNS: Cell<usize> = const { Cell::new(0) };
}

#[cfg(test)]
thread_local! {
    static PROGRAMS: std::cell::RefCell<Vec<(String, bool)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A jq program compiled, and whether the direct evaluator runs it.
#[inline]
pub(crate) fn jq_compiled(_source: &str, _direct: bool) {
    #[cfg(test)]
    PROGRAMS.with(|p| p.borrow_mut().push((_source.to_owned(), _direct)));
}

/// The jq programs compiled on this thread so far, taken.
#[cfg(test)]
pub(crate) fn take_programs() -> Vec<(String, bool)> {
    PROGRAMS.with(|p| std::mem::take(&mut *p.borrow_mut()))
}

/// One more jq program run by jaq rather than by the direct evaluator.
#[inline]
pub(crate) fn jaq_run() {
    #[cfg(test)]
    JAQ_RUNS.with(|c| c.set(c.get() + 1));
}

/// Programs run by jaq on this thread so far.
#[cfg(test)]
pub(crate) fn jaq_runs() -> usize {
    JAQ_RUNS.with(Cell::get)
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
