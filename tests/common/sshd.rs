//! A real sshd on a loopback port for the SSH tests, and a site that reaches it.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::Fixture;

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

pub fn keygen(path: &Path) {
    keygen_typed(path, "ed25519");
}

fn keygen_typed(path: &Path, kind: &str) {
    let status =
        Command::new("ssh-keygen").args(["-q", "-t", kind, "-N", "", "-f"]).arg(path).status().unwrap();
    assert!(status.success());
}

pub fn user() -> String {
    duty::identity::Identity::of_uid(unsafe { libc::getuid() }, None).unwrap().os_user
}

/// A real sshd on a loopback port, killed on drop.
pub struct Sshd {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Sshd {
    pub fn start() -> Sshd {
        Sshd::start_with_host_key("ed25519")
    }

    /// An sshd whose only host key is of this type (`ed25519`, `rsa`, `ecdsa`).
    pub fn start_with_host_key(kind: &str) -> Sshd {
        std::fs::create_dir_all("/run/sshd").ok();
        let dir = tempfile::tempdir().unwrap();
        keygen_typed(&dir.path().join("host_key"), kind);
        keygen(&dir.path().join("user_key"));
        keygen(&dir.path().join("other_key"));
        std::fs::copy(dir.path().join("user_key.pub"), dir.path().join("authorized_keys")).unwrap();
        for _ in 0..5 {
            let port = std::net::TcpListener::bind((LOCAL, 0)).unwrap().local_addr().unwrap().port();
            let config = dir.path().join("sshd_config");
            std::fs::write(
                &config,
                format!(
                    "ListenAddress 127.0.0.1\nHostKey {0}/host_key\nAuthorizedKeysFile {0}/authorized_keys\nPidFile {0}/sshd.pid\nUsePAM no\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nMaxStartups 100\nMaxSessions 100\n",
                    dir.path().display()
                ),
            )
            .unwrap();
            let mut child = Command::new("/usr/sbin/sshd")
                .args(["-D", "-e", "-p", &port.to_string(), "-f"])
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.path().join("sshd.log")).unwrap())
                .spawn()
                .expect("sshd is installed (the test script installs openssh-server)");
            let started = Instant::now();
            loop {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if let Ok(mut stream) = std::net::TcpStream::connect((LOCAL, port)) {
                    use std::io::Read;
                    let mut greeting = [0u8; 7];
                    stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                    if stream.read_exact(&mut greeting).is_ok() && &greeting == b"SSH-2.0" {
                        return Sshd { child, port, dir };
                    }
                }
                if started.elapsed() > Duration::from_secs(5) {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(30));
            }
        }
        panic!("sshd did not start");
    }

    pub fn key(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The host key line as `ssh-keyscan` prints it.
    pub fn keyscan(&self) -> String {
        self.keyscan_type("ed25519")
    }

    /// The known_hosts line of its key of this type (`ed25519`, `rsa`).
    pub fn keyscan_type(&self, kind: &str) -> String {
        let out = Command::new("ssh-keyscan")
            .args(["-p", &self.port.to_string(), "-t", kind, "127.0.0.1"])
            .stderr(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().lines().find(|l| !l.starts_with('#')).unwrap().to_string()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A site whose frontend-1 (and frontend-2, for groups) is this sshd.
pub fn site_for(sshd: &Sshd, known_hosts: &str) -> Fixture {
    let f = Fixture::new();
    reach(&f, sshd, known_hosts);
    f
}

/// Makes frontend-1 (and a frontend-2 in group 前置机) of the fixture's site this sshd,
/// with the catalog of the SSH tests.
pub fn reach(f: &Fixture, sshd: &Sshd, known_hosts: &str) {
    std::fs::write(f.site.join("known_hosts"), known_hosts).unwrap();
    std::fs::write(
        f.site.join("ssh.toml"),
        format!(
            "known_hosts = \"known_hosts\"\nidentity_files = [\"{}\"]\nconnect_timeout_ms = 1000\nfree_form = true\n\n\
             [[actions]]\nname = \"hello\"\ncommand = \"echo hello from {{host}}; echo warn >&2\"\ntimeout_seconds = 10\n\n\
             [[actions]]\nname = \"fail\"\ncommand = \"echo about to fail; exit 3\"\n\n\
             [[actions]]\nname = \"restart-fte\"\ncommand = \"echo restarted\"\ndangerous = true\n",
            sshd.key("user_key").display()
        ),
    )
    .unwrap();
    let hosts = f.site.join("hosts.toml");
    let text = std::fs::read_to_string(&hosts).unwrap();
    let text = text.replace(
        "name = \"frontend-1\"\nlabel = \"数据交换前置机\"\nrole = \"front_end\"\nip = \"127.0.10.8\"",
        &format!("name = \"frontend-1\"\nlabel = \"数据交换前置机\"\nrole = \"front_end\"\nip = \"127.0.0.1\"\nssh_port = {}\nssh_user = \"{}\"", sshd.port, user()),
    );
    let text = format!(
        "{text}\n[[hosts]]\nname = \"frontend-2\"\nlabel = \"数据交换前置机 2\"\nrole = \"front_end\"\nip = \"127.0.0.1\"\ngroup = \"前置机\"\nssh_port = {}\nssh_user = \"{}\"\n",
        sshd.port,
        user()
    );
    std::fs::write(&hosts, text).unwrap();
}
