//! Desktop notifications, where a desktop is reachable: a local graphical session with a
//! session bus, not an SSH login. The bell and banner are always there; this is extra.

/// Whether a desktop notification can reach the person at this console.
pub fn desktop_reachable() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    set("DBUS_SESSION_BUS_ADDRESS") && (set("DISPLAY") || set("WAYLAND_DISPLAY")) && !set("SSH_CONNECTION")
}

/// Shows a notification without ever blocking the console (the bus may be slow).
pub fn show(summary: String, body: String) {
    std::thread::spawn(move || {
        if let Err(e) = notify_rust::Notification::new().summary(&summary).body(&body).show() {
            crate::log::write(&format!("desktop notification failed: {e}"));
        }
    });
}
