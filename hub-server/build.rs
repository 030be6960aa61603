//! Rebuild when a migration changes: they are embedded with `include_dir!`,
//! which cargo does not track by itself. And the git commit for `--version`.

include!("../build/git_commit.rs");

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    git_commit();
}
