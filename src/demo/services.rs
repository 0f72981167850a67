//! Small HTTP and TCP services on loopback addresses, for the demo centre (and for
//! tests and benchmarks that need a service to probe). Only 127.0.0.0/8 is ever bound.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How a demo HTTP service answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// 200 with body "OK".
    Healthy,
    /// The given status with body "ERROR".
    Status(u16),
    /// 200 "OK" after a delay.
    Slow(Duration),
    /// 200 with a body that lacks "OK".
    WrongBody,
    /// Healthy and failing (500) in turns of the given length.
    Flapping(Duration),
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Serves HTTP on `listener` until the task is dropped or aborted.
pub async fn serve_http(listener: TcpListener, behaviour: Behaviour) {
    let started = tokio::time::Instant::now();
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { continue };
        tokio::spawn(async move {
            let mut head = Vec::with_capacity(512);
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let (code, body) = match behaviour {
                Behaviour::Healthy => (200, "OK\n"),
                Behaviour::Status(code) => (code, "ERROR\n"),
                Behaviour::Slow(delay) => {
                    tokio::time::sleep(delay).await;
                    (200, "OK\n")
                }
                Behaviour::WrongBody => (200, "maintenance page\n"),
                Behaviour::Flapping(turn) => {
                    let turns = started.elapsed().as_millis() / turn.as_millis().max(1);
                    if turns.is_multiple_of(2) { (200, "OK\n") } else { (500, "ERROR\n") }
                }
            };
            let response = format!(
                "HTTP/1.1 {code} {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                reason(code),
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}

/// Accepts TCP connections and closes them (a listener that is "up").
pub async fn serve_tcp(listener: TcpListener) {
    loop {
        let _ = listener.accept().await;
    }
}

/// Binds a free port on a loopback address.
pub async fn bind_loopback(ip: std::net::IpAddr) -> std::io::Result<TcpListener> {
    assert!(ip.is_loopback(), "demo services bind loopback addresses only");
    TcpListener::bind(SocketAddr::new(ip, 0)).await
}
