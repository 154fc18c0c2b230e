//! Joins the crowd element sources (`assets/crowd/src/*.js`, one file per element family) into
//! the one script the server serves, in file-name order. No JS toolchain: plain concatenation.

use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new("assets/crowd/src");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut sources: Vec<_> = fs::read_dir(dir)
        .expect("assets/crowd/src is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    sources.sort();
    let mut bundle = String::new();
    for path in &sources {
        println!("cargo::rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).expect("a crowd element source is UTF-8 text");
        bundle.push_str(&text);
        if !text.ends_with('\n') {
            bundle.push('\n');
        }
    }
    let out =
        Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("crowd-html-elements.js");
    fs::write(out, bundle).expect("OUT_DIR is writable");
}
