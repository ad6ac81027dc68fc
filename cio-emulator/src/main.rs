//! `cio-emulator`: runs a local Track API emulator until Ctrl-C.
//!
//! Options: `--port N` (default: an ephemeral port), `--site-id S`, `--api-key K`.

use std::net::SocketAddr;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: cio-emulator [--port N] [--site-id S] [--api-key K]");
    ExitCode::from(2)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let mut builder = cio_emulator::Emulator::builder();
    let mut port = 0u16;
    let mut site_id = cio_emulator::DEFAULT_SITE_ID.to_owned();
    let mut api_key = cio_emulator::DEFAULT_API_KEY.to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let Some(value) = args.next() else {
            return usage();
        };
        match arg.as_str() {
            "--port" => match value.parse() {
                Ok(p) => port = p,
                Err(_) => return usage(),
            },
            "--site-id" => site_id = value,
            "--api-key" => api_key = value,
            _ => return usage(),
        }
    }
    builder = builder
        .credentials(site_id, api_key)
        .bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .log_requests(false);
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cio-emulator: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emulator.base_url());
    println!(
        "site id: {}  api key: {}",
        emulator.site_id(),
        emulator.api_key()
    );
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cio-emulator: cannot wait for Ctrl-C: {e}");
    }
    let record = emulator.record();
    println!(
        "received {} requests; {} profiles, {} events",
        emulator.request_count(),
        record.profiles.len(),
        record.event_count()
    );
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
