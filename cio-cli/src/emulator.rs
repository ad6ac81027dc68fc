//! `cio emulator`: the Track API emulator as a server on 127.0.0.1, printing each
//! request it receives and what it stored from it, until Ctrl-C.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use cio_emulator::{Emulator, Record};
use serde_json::{Map, Value};

use crate::Failure;

/// How often the record is read for news.
const POLL: Duration = Duration::from_millis(100);

/// Serves on `port` (0: an ephemeral one) with the given credentials until Ctrl-C.
pub(crate) fn run(port: u16, site_id: String, api_key: String) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(serve(port, site_id, api_key))
}

async fn serve(port: u16, site_id: String, api_key: String) -> Result<(), Failure> {
    let emulator = Emulator::builder()
        .credentials(site_id, api_key)
        .bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .log_requests(true)
        .start()
        .await
        .map_err(|e| Failure::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    say!("{}", emulator.base_url());
    say!(
        "site id: {}  api key: {}  (Ctrl-C stops)",
        emulator.site_id(),
        emulator.api_key()
    );
    let mut seen = Seen::default();
    let mut ticks = tokio::time::interval(POLL);
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = ticks.tick() => emulator.with_record(|r| seen.report(r)),
        }
    }
    emulator.with_record(|r| seen.report(r));
    let record = emulator.record();
    say!(
        "received {} requests; {} profiles, {} events",
        emulator.request_count(),
        record.profiles.len(),
        record.event_count()
    );
    emulator.shutdown().await;
    Ok(())
}

/// What has been printed so far.
#[derive(Default)]
struct Seen {
    /// Requests printed.
    requests: usize,
    /// Events printed, per customer.
    events: BTreeMap<String, usize>,
    /// Profiles as last printed.
    profiles: BTreeMap<String, Map<String, Value>>,
}

impl Seen {
    /// Prints what `record` holds that was not printed yet.
    fn report(&mut self, record: &Record) {
        for r in record.requests.iter().skip(self.requests) {
            let status = r.status.map_or("closed".to_string(), |s| s.to_string());
            say!("{} {} -> {status} ({} bytes)", r.method, r.path, r.body_len);
        }
        self.requests = record.requests.len();
        for (customer, attributes) in &record.profiles {
            if self.profiles.get(customer) != Some(attributes) {
                say!(
                    "  profile {customer}: {}",
                    Value::Object(attributes.clone())
                );
                self.profiles.insert(customer.clone(), attributes.clone());
            }
        }
        for (customer, events) in &record.events {
            let done = self.events.entry(customer.clone()).or_default();
            for e in events.iter().skip(*done) {
                say!("  {} `{}` for {customer}: {}", e.kind, e.name, e.data);
            }
            *done = events.len();
        }
    }
}
