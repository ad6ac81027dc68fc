//! `cio-cli emulator`: the Track API emulator as a server on 127.0.0.1, printing each
//! request it receives, what it stored from it and what the journeys of
//! `events.toml` delivered, until Ctrl-C.

use std::collections::BTreeMap;
use std::time::Duration;

use cio_core::journey::{Delivery, Journeys};
use cio_emulator::cli::{EmulatorArgs, DEFAULT_TAXONOMY};
use cio_emulator::{Emulator, Record};
use serde_json::{Map, Value};

use crate::pii::{scrub, Pii};
use crate::printable::printable;
use crate::{check, input, journeys, simulate, Failure};

/// How often the record is read for news.
const POLL: Duration = Duration::from_millis(100);

/// Serves as `args` say until Ctrl-C, running the journeys of `--taxonomy` (or of
/// `./events.toml`, if there is one).
pub(crate) fn run(args: &EmulatorArgs) -> Result<(), Failure> {
    let plan = load(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(serve(args, plan))
}

/// The journeys to run, the manual segments that exist, and the file they came from.
struct Plan {
    name: String,
    journeys: &'static Journeys,
    /// The fields typed `timestamp`, which the inbox shows as dates.
    timestamps: &'static [&'static str],
    /// The object types by name and type id: relationships start campaigns.
    object_types: &'static [(&'static str, u64)],
    /// The subscription topics by name and id, which the inbox names.
    topics: &'static [(&'static str, u64)],
    pii: Pii,
    /// The ids of `[segments]`: segment calls to others answer `404`.
    segments: Vec<u64>,
}

fn load(args: &EmulatorArgs) -> Result<Option<Plan>, Failure> {
    let Some(path) = args.taxonomy_path() else {
        return Ok(None);
    };
    let source = input::read_path(path)?;
    let taxonomy = check::valid(&source)?;
    Ok(Some(Plan {
        name: source.name,
        journeys: journeys::leak(&taxonomy),
        timestamps: journeys::timestamps(&taxonomy),
        object_types: cio_emulator::cli::journeys::object_types(&taxonomy),
        topics: cio_emulator::cli::journeys::topics(&taxonomy),
        pii: Pii::of(&taxonomy),
        segments: taxonomy.segments.iter().map(|s| s.id).collect(),
    }))
}

async fn serve(args: &EmulatorArgs, plan: Option<Plan>) -> Result<(), Failure> {
    let mut builder = args.configure(Emulator::builder()).log_requests(true);
    if let Some(plan) = &plan {
        builder = builder
            .journeys(plan.journeys)
            .timestamps(plan.timestamps)
            .object_types(plan.object_types)
            .topics(plan.topics);
        for &id in &plan.segments {
            builder = builder.manual_segment(id);
        }
    }
    let emulator = builder
        .start()
        .await
        .map_err(|e| Failure::Usage(e.to_string()))?;
    say!("{}", emulator.base_url());
    say!(
        "site id: {}  api key: {}  write key: {}  (Ctrl-C stops)",
        emulator.site_id(),
        emulator.api_key(),
        emulator.write_key()
    );
    match &plan {
        Some(plan) => say!(
            "journeys of {}: {} campaigns, {} messages; inbox: {}",
            plan.name,
            plan.journeys.campaigns.len(),
            plan.journeys.messages.len(),
            emulator.inbox_url()
        ),
        None => {
            say!("journeys: none (no {DEFAULT_TAXONOMY} here; --taxonomy PATH runs its campaigns)")
        }
    }
    if let Some(file) = emulator.coverage_file() {
        say!("coverage: {}", file.display());
    }
    if let Some(url) = emulator.webhook_url() {
        say!("reporting webhooks: {}", printable(url));
    }
    let mut seen = Seen::default();
    if let Some(plan) = plan {
        seen.pii = plan.pii;
    }
    let mut ticks = tokio::time::interval(POLL);
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = ticks.tick() => seen.poll(&emulator),
        }
    }
    seen.poll(&emulator);
    let record = emulator.record();
    say!(
        "received {} requests; {} profiles, {} events, {} deliveries",
        emulator.request_count(),
        record.profiles.len(),
        record.event_count(),
        seen.deliveries
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
    /// Deliveries printed.
    deliveries: usize,
    /// The personal-data fields of the taxonomy, masked when printed.
    pii: Pii,
    /// The personal data seen per customer, masked in the messages delivered to them.
    personal: BTreeMap<String, Vec<String>>,
}

impl Seen {
    /// Prints what the emulator received and delivered since the last poll.
    fn poll(&mut self, emulator: &Emulator) {
        emulator.with_record(|r| self.report(r));
        let done = self.deliveries;
        let new: Vec<Delivery> = emulator
            .with_simulation(|s| s.deliveries().iter().skip(done).cloned().collect())
            .unwrap_or_default();
        for d in &new {
            say!(
                "  delivery `{}` ({}) to {} from campaign `{}` at {}: {}",
                printable(d.message),
                d.channel,
                printable(&d.person),
                printable(d.campaign),
                simulate::utc(d.time.as_unix()),
                printable(&scrub(
                    &simulate::shown(d),
                    self.personal.get(&d.person).map_or(&[][..], Vec::as_slice)
                ))
            );
        }
        self.deliveries += new.len();
    }

    /// Prints what `record` holds that was not printed yet. Every string that came
    /// in a request goes through [`printable`].
    fn report(&mut self, record: &Record) {
        for r in record.requests.iter().skip(self.requests) {
            let status = r.status.map_or("closed".to_string(), |s| s.to_string());
            say!(
                "{} {} -> {status} ({} bytes)",
                printable(&r.method),
                printable(&r.path),
                r.body_len
            );
        }
        self.requests = record.requests.len();
        for (customer, attributes) in &record.profiles {
            if self.profiles.get(customer) != Some(attributes) {
                let found = self.personal.entry(customer.clone()).or_default();
                say!(
                    "  profile {}: {}",
                    printable(customer),
                    printable(&self.pii.profile(attributes, found).to_string())
                );
                self.profiles.insert(customer.clone(), attributes.clone());
            }
        }
        for (customer, events) in &record.events {
            let done = self.events.entry(customer.clone()).or_default();
            let found = self.personal.entry(customer.clone()).or_default();
            for e in events.iter().skip(*done) {
                let data = self.pii.event(&e.name, &e.data, found);
                say!(
                    "  {} `{}` for {}: {}",
                    printable(&e.kind),
                    printable(&e.name),
                    printable(customer),
                    printable(&data.to_string())
                );
            }
            *done = events.len();
        }
    }
}
