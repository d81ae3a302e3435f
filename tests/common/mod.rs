//! Helpers shared by the integration tests.

use std::path::Path;

/// The names of the entries of folder `d`, sorted: what a command left behind.
pub fn listing(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
