//! Rules about the worker's own sources that no type can state, read from
//! the files themselves: a permission name is written once, in
//! `mdm_core::permissions`; handlers and the cron sweep take token and device
//! statuses from `mdm_core::lifecycle`, never from a literal of their own.

use std::path::{Path, PathBuf};

use mdm_core::lifecycle::{DeviceState, TokenStatus};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// A file's code outside its tests, without comment lines (tests and docs
/// may name what the code must not write).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn each_permission_name_is_written_once_in_mdm_core() {
    let root = workspace();
    let mut sources = rust_files(&root.join("worker/src"));
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            sources.extend(rust_files(&src));
        }
    }
    let home = root.join("crates/mdm-core/src/permissions.rs");
    let code: Vec<(PathBuf, String)> = sources.into_iter().map(|p| (p.clone(), code_of(&p))).collect();
    let mut wrong = Vec::new();
    for permission in mdm_core::permissions::ALL {
        let literal = format!("\"{}\"", permission.name);
        let places: Vec<String> = code
            .iter()
            .flat_map(|(path, text)| std::iter::repeat_n(path, text.matches(&literal).count()))
            .map(|path| path.strip_prefix(&root).unwrap_or(path).display().to_string())
            .collect();
        if places.len() != 1 || !code.iter().any(|(p, t)| *p == home && t.contains(&literal)) {
            wrong.push(format!("{literal}: {places:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "written other than once, in permissions.rs: {wrong:#?}"
    );
}

#[test]
fn handlers_and_the_cron_have_no_status_literals() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = rust_files(&root.join("routes"));
    files.push(root.join("cron.rs"));
    let tokens = [
        TokenStatus::Pending,
        TokenStatus::Processing,
        TokenStatus::Done,
        TokenStatus::Deleted,
        TokenStatus::Expired,
    ]
    .map(TokenStatus::as_str);
    let statuses: Vec<&str> = tokens
        .into_iter()
        .chain(DeviceState::ALL.map(DeviceState::as_str))
        .collect();
    let mut found = Vec::new();
    for file in &files {
        let code = code_of(file);
        for status in &statuses {
            for literal in [format!("'{status}'"), format!("\"{status}\"")] {
                if code.contains(&literal) {
                    found.push(format!("{} writes {literal}", file.display()));
                }
            }
        }
    }
    assert!(files.len() > 10, "only {} files read", files.len());
    assert!(found.is_empty(), "{found:#?}");
}
