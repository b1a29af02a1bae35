//! `cargo xtask fuzz`: a stub until the fuzz targets exist. It says so and
//! exits non-zero, so nobody takes it for a passing run.

use std::path::Path;

pub fn run(_root: &Path) -> Result<(), String> {
    Err("fuzz: not implemented yet (no fuzz targets in this workspace)".to_owned())
}
