// Shared by the binaries' build scripts (`include!`d): the git commit a
// build comes from, for `--version` and the User-Agent. A build without a
// repository (the Docker image) passes it as HUB_GIT_COMMIT.

/// Sets `HUB_GIT_COMMIT` for the crate and asks cargo to rebuild when the
/// checked-out commit changes.
fn git_commit() {
    println!("cargo:rerun-if-env-changed=HUB_GIT_COMMIT");
    let from_env = std::env::var("HUB_GIT_COMMIT").ok().filter(|c| !c.is_empty());
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    if from_env.is_none() {
        // HEAD, and the branch it names: a new commit moves the branch.
        if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
            println!("cargo:rerun-if-changed={dir}/HEAD");
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                println!("cargo:rerun-if-changed={dir}/{branch}");
            }
            println!("cargo:rerun-if-changed={dir}/packed-refs");
        }
    }
    let commit = from_env
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=HUB_GIT_COMMIT={commit}");
}
