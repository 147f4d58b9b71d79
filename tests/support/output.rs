//! Reading what the real binary printed, for the CLI tests of every tier.

use serde_json::Value;
use std::process::Output;

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The output of a run that must have succeeded (its stderr in the panic).
pub fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(&o));
    o
}

/// Standard output parsed as JSON (the text in the panic when it is not).
pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}
