//! Holds the store's write lock for a while, as a stuck process would: for measuring
//! that consoles go on answering. `cargo run --release --example hold_lock -- STORE SECONDS`
//! (an SQLite file; for PostgreSQL, `LOCK TABLE chain_head IN EXCLUSIVE MODE` in psql).

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = || anyhow::anyhow!("usage: hold_lock STORE SECONDS");
    let path = args.next().ok_or_else(usage)?;
    let seconds: u64 = args.next().ok_or_else(usage)?.parse()?;
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    println!("holding the write lock for {seconds} s");
    std::thread::sleep(std::time::Duration::from_secs(seconds));
    conn.execute_batch("ROLLBACK")?;
    Ok(())
}
