//! The git commit for `--version` and the User-Agent.

include!("../build/git_commit.rs");

fn main() {
    git_commit();
}
