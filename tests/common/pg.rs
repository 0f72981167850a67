//! A real PostgreSQL server for the tests: its own data directory in a temp dir, on a
//! loopback port, started with `pg_ctl` (as the `postgres` user when the tests run as
//! root, which initdb refuses), stopped and removed when the test process ends — by
//! `Drop`, and by a watchdog should the process die first.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct PgServer {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    fsync: bool,
    /// Outlives this process on purpose: it cleans up after it.
    _watchdog: Option<std::process::Child>,
}

/// The directory with initdb and pg_ctl: on PATH, else Debian's versioned folder.
fn bin_dir() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists());
    if let Some(dir) = on_path {
        return dir;
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (the test script installs it)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL server in /usr/lib/postgresql")
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

/// A command run as the user that owns the data directory.
fn as_owner(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// A loopback port free a moment ago (a server started on it may still find it taken:
/// callers try a few).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

static SHARED: OnceLock<PgServer> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

impl PgServer {
    /// The server this test process shares (one per test binary).
    pub fn shared() -> &'static PgServer {
        SHARED.get_or_init(PgServer::start)
    }

    /// A server of one's own (to stop and start it in a test). Tests run it without
    /// fsync; `start_durable` is for measuring.
    pub fn start() -> PgServer {
        PgServer::start_with(false)
    }

    /// A server that syncs every commit to disk, as a centre's would.
    pub fn start_durable() -> PgServer {
        PgServer::start_with(true)
    }

    fn start_with(fsync: bool) -> PgServer {
        let bin = bin_dir();
        let dir = std::env::temp_dir().join(format!("duty-pg-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        if running_as_root() {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().unwrap();
            assert!(status.success(), "chown the data directory to postgres");
        }
        let out = as_owner(&bin.join("initdb"))
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-U", "duty", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let mut server = PgServer { port: free_port(), dir, bin, fsync, _watchdog: None };
        server._watchdog = Some(server.watch());
        server.up();
        server
    }

    /// Stops the server and removes its directory once this test process is gone, even
    /// if it was killed.
    fn watch(&self) -> std::process::Child {
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {prefix} {pg_ctl} stop -D {data} -m immediate >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            prefix = if running_as_root() { "runuser -u postgres --" } else { "" },
            pg_ctl = self.bin.join("pg_ctl").display(),
            data = self.dir.join("data").display(),
            dir = self.dir.display(),
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Starts the server and waits until it takes connections.
    pub fn up(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync={} -c max_connections=200",
            self.port,
            self.dir.display(),
            if self.fsync { "on" } else { "off" }
        );
        let out = as_owner(&self.bin.join("pg_ctl"))
            .arg("start")
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-o", &options, "-w"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
        let start = Instant::now();
        while postgres::Client::connect(&self.url("postgres"), postgres::NoTls).is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "PostgreSQL did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the server at once (fast shutdown: open connections are cut).
    pub fn down(&self) {
        let out = as_owner(&self.bin.join("pg_ctl"))
            .arg("stop")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Kills the postmaster with SIGKILL, as a crash would (its backends go with it).
    pub fn kill(&self) {
        let pid_file = std::fs::read_to_string(self.dir.join("data/postmaster.pid")).unwrap();
        let pid: i32 = pid_file.lines().next().unwrap().trim().parse().unwrap();
        unsafe { libc::kill(pid, libc::SIGKILL) };
        let start = Instant::now();
        while unsafe { libc::kill(pid, 0) } == 0 {
            assert!(start.elapsed() < Duration::from_secs(10), "the postmaster did not die");
            std::thread::sleep(Duration::from_millis(50));
        }
        // Backends notice their postmaster is gone and exit; the stale pid file is
        // cleaned by the next start.
        std::thread::sleep(Duration::from_millis(500));
    }

    /// Turns TLS on with a certificate for 127.0.0.1 signed by a CA of its own, and
    /// connection logging; restarts. Returns the CA certificate's path.
    pub fn enable_tls(&self) -> PathBuf {
        let dir = &self.dir;
        let run = |args: &[&str]| {
            let out = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=duty test CA",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ]);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
        if running_as_root() {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir).status().unwrap();
            assert!(status.success());
        }
        let conf = dir.join("data/postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).unwrap();
        text.push_str(&format!(
            "\nssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\nlog_connections = on\n",
            dir.join("server.crt").display(),
            dir.join("server.key").display()
        ));
        std::fs::write(&conf, text).unwrap();
        self.down();
        self.up();
        dir.join("ca.crt")
    }

    /// Makes `role` sign in with its password from loopback (the other roles stay
    /// trusted); the server reloads its rules.
    pub fn require_password(&self, role: &str) {
        let hba = self.dir.join("data/pg_hba.conf");
        let text = std::fs::read_to_string(&hba).unwrap();
        std::fs::write(&hba, format!("host all {role} 127.0.0.1/32 scram-sha-256\n{text}")).unwrap();
        let out = as_owner(&self.bin.join("pg_ctl"))
            .arg("reload")
            .arg("-D")
            .arg(self.dir.join("data"))
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl reload: {}", String::from_utf8_lossy(&out.stderr));
        std::thread::sleep(Duration::from_millis(300));
    }

    /// What the server has logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://duty@127.0.0.1:{}/{database}", self.port)
    }

    /// A new empty database; its URL.
    pub fn fresh(&self) -> String {
        let name = format!("t{}_{}", std::process::id(), DATABASES.fetch_add(1, Ordering::SeqCst));
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        self.url(&name)
    }

    /// Runs SQL on a database directly, as someone with access to the server would.
    pub fn raw(&self, url: &str, sql: &str) -> Result<(), String> {
        let mut client = postgres::Client::connect(url, postgres::NoTls).map_err(|e| e.to_string())?;
        client.batch_execute(sql).map_err(|e| match e.as_db_error() {
            Some(db) => db.message().to_string(),
            None => e.to_string(),
        })
    }

    /// Every table's rows as text, sorted: to prove a refused command changed nothing.
    pub fn dump(&self, url: &str) -> String {
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let tables: Vec<String> = client
            .query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = String::new();
        for table in tables {
            out.push_str(&format!("## {table}\n"));
            for row in client.query(&format!("SELECT t::text FROM {table} t ORDER BY 1"), &[]).unwrap() {
                out.push_str(&row.get::<_, String>(0));
                out.push('\n');
            }
        }
        out
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = as_owner(&self.bin.join("pg_ctl"))
            .arg("stop")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
