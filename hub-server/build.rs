//! Rebuild when a migration changes: they are embedded with `include_dir!`,
//! which cargo does not track by itself.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
