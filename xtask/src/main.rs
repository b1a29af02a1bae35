//! The project's task runner: `cargo xtask <command>`.
mod bindgen_cmd;
use std::path::PathBuf;
fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let check = std::env::args().any(|a| a == "--check");
    match bindgen_cmd::run(&root, check) {
        Ok(_) => {}
        Err(e) => { eprintln!("{e}"); std::process::exit(1) }
    }
}
