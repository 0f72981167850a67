//! Where things live on this machine, by the XDG base directories: the site (config),
//! the store (data), reports (data), and what the programs keep for themselves (state:
//! the console's log, the record of stores seen, the engines' health).

use std::path::PathBuf;

fn from_env(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// `$<xdg_var>/<tail>`, else `$HOME/<home_fallback>/<tail>`.
fn xdg(xdg_var: &str, home_fallback: &str, tail: &str) -> PathBuf {
    from_env(xdg_var)
        .or_else(|| from_env("HOME").map(|home| home.join(home_fallback)))
        .unwrap_or_else(|| PathBuf::from("."))
        .join(tail)
}

/// The site folder: `$DUTY_SITE`, else `$XDG_CONFIG_HOME/duty/site`.
pub fn site_dir() -> PathBuf {
    from_env("DUTY_SITE").unwrap_or_else(|| xdg("XDG_CONFIG_HOME", ".config", "duty/site"))
}

/// The user's keymap.toml and theme.toml: `$DUTY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/duty`.
pub fn user_config_dir() -> PathBuf {
    from_env("DUTY_CONFIG_DIR").unwrap_or_else(|| xdg("XDG_CONFIG_HOME", ".config", "duty"))
}

/// A store named by `$DUTY_STORE`, if set.
pub fn store_from_env() -> Option<PathBuf> {
    from_env("DUTY_STORE")
}

/// The default store file: `$XDG_DATA_HOME/duty/duty.db`.
pub fn default_store() -> PathBuf {
    xdg("XDG_DATA_HOME", ".local/share", "duty/duty.db")
}

/// Where reports are written: `$DUTY_REPORTS`, else `$XDG_DATA_HOME/duty/reports`.
pub fn reports_dir() -> PathBuf {
    from_env("DUTY_REPORTS").unwrap_or_else(|| xdg("XDG_DATA_HOME", ".local/share", "duty/reports"))
}

/// What duty keeps for itself: `$XDG_STATE_HOME/duty`.
pub fn state_dir() -> PathBuf {
    xdg("XDG_STATE_HOME", ".local/state", "duty")
}

/// The record of the stores this machine used (`store::seen`).
pub fn seen_dir() -> PathBuf {
    state_dir().join("stores")
}

/// Where running engines say how they are (`engine::health`).
pub fn health_dir() -> PathBuf {
    state_dir().join("engines")
}

/// The console's log file.
pub fn console_log() -> PathBuf {
    state_dir().join("console.log")
}
