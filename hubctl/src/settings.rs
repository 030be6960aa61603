//! Where `hubctl login` keeps the server and token: the user's config dir
//! (`$XDG_CONFIG_HOME/hubctl/login.json`, else `~/.config/...`), mode 0600.

use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Login {
    pub server: String,
    pub token: String,
}

pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("hubctl").join("login.json"))
}

pub fn load() -> Option<Login> {
    let text = std::fs::read_to_string(path()?).ok()?;
    serde_json::from_str(&text).ok()
}

pub fn save(login: &Login) -> std::io::Result<PathBuf> {
    let path = path().ok_or_else(|| std::io::Error::other("no HOME or XDG_CONFIG_HOME"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(serde_json::to_string_pretty(login)?.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

pub fn remove() -> std::io::Result<bool> {
    match path() {
        Some(p) if p.exists() => std::fs::remove_file(p).map(|_| true),
        _ => Ok(false),
    }
}
