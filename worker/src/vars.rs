//! `[vars]` and secrets, read once per isolate. Workers hands an isolate the
//! same `env` for its whole life (a changed var or secret is a new
//! deployment, so new isolates), and each read crosses into JavaScript and
//! copies the string: a request read six to eight of them, about a tenth of
//! a GET's time in the worker (BENCHMARKS.md, section 0d).

use std::cell::RefCell;

use worker::Env;

thread_local! {
    /// Each name read so far, with its value (`None`: not set).
    static VARS: RefCell<Vec<(String, Option<String>)>> = const { RefCell::new(Vec::new()) };
}

/// The var or secret `name`, if set.
pub fn get(env: &Env, name: &str) -> Option<String> {
    if let Some(found) = VARS.with(|v| {
        v.borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.clone())
    }) {
        return found;
    }
    let value = env.var(name).ok().map(|v| v.to_string());
    VARS.with(|v| v.borrow_mut().push((name.to_string(), value.clone())));
    value
}
