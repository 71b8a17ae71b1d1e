//! Files checked in beside the code that the tests generate from the
//! endpoint table (the npm client's operations, the OpenAPI document): a
//! test fails when one differs from what the table generates now.

use std::path::Path;

/// A checked-in file generated from the table (`path`, from the worker's
/// directory) is what the table generates now; with `UPDATE` set in the
/// environment it is written first. `test` names the test to run with it.
pub fn assert_generated(path: &str, want: &str, test: &str) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("UPDATE").is_some() {
        std::fs::write(&full, want).unwrap();
    }
    let have = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(
        have == want,
        "{path} is not what the endpoint table generates; run `UPDATE=1 cargo test -p mdm-worker {test}`"
    );
}
