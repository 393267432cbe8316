//! The redaction layer at the worker's edge: every JSON answer and every log line passes
//! through [`redact`], which removes the configured secrets and anything shaped like a
//! credential (`hatoba_core::redact`). It is installed from the environment at the start of each
//! request and alarm (an isolate runs one at a time).

use std::cell::RefCell;

use hatoba_core::redact::Redactor;
use worker::Env;

use crate::config;

thread_local! {
    static CURRENT: RefCell<Redactor> = RefCell::new(Redactor::default());
}

/// Makes `env`'s secrets the ones removed.
pub fn install(env: &Env) {
    let redactor = config::redactor(env);
    CURRENT.with(|c| *c.borrow_mut() = redactor);
}

/// The redactor installed last (for the pipeline's context, which keeps its own).
pub fn current() -> Redactor {
    CURRENT.with(|c| c.borrow().clone())
}

/// `text` without secrets.
pub fn redact(text: &str) -> String {
    CURRENT.with(|c| c.borrow().redact(text).into_owned())
}

/// Logs an error line, redacted.
pub fn log_error(message: &str) {
    worker::console_error!("{}", redact(message));
}
