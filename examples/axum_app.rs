//! The seed's routes as an axum app that writes each new user and its `signed_up` in
//! one database transaction, through the outbox, and runs the relay that delivers
//! them. SQLite by default (a file it creates, no set-up); PostgreSQL when
//! `DATABASE_URL` is set, over TLS as its `sslmode` says (for a database across a
//! network: `?sslmode=verify-full`, with `&sslrootcert=ca.pem` for a private CA).
//!
//! ```sh
//! cargo run --example axum_app
//! curl -X POST localhost:3000/signup -H 'content-type: application/json' \
//!   -d '{"id":"u1","email":"jane@example.com","first_name":"Jane","signup_method":"google"}'
//! curl -X POST localhost:3000/verify-email -H 'content-type: application/json' -d '{"user_id":"u1"}'
//! curl -X POST localhost:3000/password-reset -H 'content-type: application/json' -d '{"email":"jane@example.com"}'
//! ```
//!
//! The relay delivers to the Track API, or with `--api pipelines` (or
//! `CUSTOMERIO_API=pipelines`) to the Data Pipelines API. Without credentials the
//! events go to a local emulator (and are printed on exit, with each password reset
//! rendered from its templates in events.toml); with `CUSTOMERIO_SITE_ID` and
//! `CUSTOMERIO_TRACK_API_KEY` set (or `CUSTOMERIO_PIPELINES_WRITE_KEY`), to
//! Customer.io, and with `CUSTOMERIO_APP_API_KEY` the password resets too. Stop
//! it with Ctrl-C: rows not delivered yet stay in the outbox for the next start (or
//! for a `cio-relay` process).
//!
//! **What happened to the emails.** `POST /webhooks/customerio` takes Customer.io's
//! reporting webhooks, verified with `CUSTOMERIO_WEBHOOK_SIGNING_KEY` (the route is
//! off without it when sending to Customer.io; point the workspace's reporting
//! webhook at it). Each is printed, joined to the outbox row of the event that
//! started the campaign, and kept as its message's fate:
//!
//! ```text
//! webhook: email delivered to u1: "Welcome, Jane!" (caused by signed_up 01K..., its outbox row delivered)
//! ```
//!
//! ```sh
//! curl localhost:3000/users/u1/messages
//! ```
//!
//! The emulator started without credentials runs the campaigns of events.toml and
//! sends those webhooks itself, signed with `CUSTOMERIO_WEBHOOK_SIGNING_KEY` or a key
//! made up at start; its journeys' clock runs 60 times faster than real time, so
//! the welcome email, 5 minutes after a signup, is reported 5 seconds after it
//! (the inbox at the printed address shows the messages).

use std::error::Error;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use cio::client::AppClient;
use cio::outbox::sqlx::postgres::PgPool;
use cio::outbox::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool};
use cio::outbox::{Outbox, Relay, RelayConfig};
use cio::webhook::ReportingVerifier;
use cio_emulator::Emulator;

#[path = "shared/api.rs"]
mod api;
#[path = "shared/routes.rs"]
mod routes;

/// How much faster than real time the emulator's journeys run.
const CLOCK_SPEED: u64 = 60;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let api = api::chosen()?;
    let live = api::live(api);
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let local = listener.local_addr()?;
    let signing_key = std::env::var("CUSTOMERIO_WEBHOOK_SIGNING_KEY")
        .ok()
        .filter(|key| !key.is_empty());
    let (emulator, signing_key) = if live {
        (None, signing_key)
    } else {
        // A key of this run's own unless one is given; the emulator signs with it.
        let key = signing_key.unwrap_or_else(|| format!("{:032x}", fastrand::u128(..)));
        let mut builder = Emulator::builder()
            .app_messages(routes::events::taxonomy::APP_MESSAGES)
            .journeys(&routes::events::taxonomy::JOURNEYS);
        match reachable(local) {
            Some(app) => {
                builder = builder.webhook(format!("http://{app}/webhooks/customerio"), &key);
            }
            None => println!("webhooks: off (the emulator sends them only to loopback addresses)"),
        }
        (Some(Arc::new(builder.start().await?)), Some(key))
    };
    let client = api::destination(api, emulator.as_deref())?;
    println!("delivering to the {}", api::title(api));
    let app = match &emulator {
        None => AppClient::from_env().ok(),
        Some(emulator) => Some(
            AppClient::builder(emulator.app_api_key())
                .base_url(emulator.base_url())
                .build()?,
        ),
    };
    // The emulator's journeys on a clock 60 times faster than real time.
    let clock = emulator.clone().map(|emulator| {
        if let Some(url) = emulator.webhook_url() {
            println!("webhooks: the emulator sends them to {url}");
        }
        println!(
            "journeys: events.toml's campaigns, {CLOCK_SPEED} times faster than real time; inbox: {}",
            emulator.inbox_url()
        );
        tokio::spawn(async move {
            let tick = Duration::from_millis(250);
            let mut ticks = tokio::time::interval(tick);
            loop {
                ticks.tick().await;
                emulator.advance(tick * u32::try_from(CLOCK_SPEED).unwrap_or(1));
            }
        })
    });

    let (db, outbox) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let pool = PgPool::connect(&url).await?;
            let outbox = Outbox::postgres(pool.clone()).await?;
            (routes::Db::Postgres(pool), outbox)
        }
        _ => {
            let path = std::env::temp_dir().join("cio_axum_app.db");
            println!("database: {}", path.display());
            let options = SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal);
            let pool = SqlitePool::connect_with(options).await?;
            let outbox = Outbox::sqlite(pool.clone()).await?;
            (routes::Db::Sqlite(pool), outbox)
        }
    };
    routes::create_tables(&db).await?;
    let relay = Relay::start(outbox.clone(), client, RelayConfig::default());

    let webhooks = match signing_key {
        Some(key) => Some(ReportingVerifier::new(key)?),
        None => {
            println!("webhooks: off (set CUSTOMERIO_WEBHOOK_SIGNING_KEY to take them)");
            None
        }
    };
    println!("listening on http://{local}");
    let state = routes::AppState {
        db,
        outbox,
        app,
        reset_base_url: "https://example.com/reset".to_owned(),
        webhooks,
    };
    axum::serve(listener, routes::app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;

    let stats = relay.shutdown().await;
    println!("relay: {stats:?}");
    println!("outbox: {:?}", relay.outbox_stats().await?);
    if let Some(clock) = clock {
        clock.abort();
        let _ = clock.await;
    }
    if let Some(emulator) = emulator.and_then(|emulator| Arc::try_unwrap(emulator).ok()) {
        let record = emulator.record();
        for (customer, events) in &record.events {
            for event in events {
                println!("{customer}: {} {}", event.name, event.data);
            }
        }
        for send in &record.sends {
            match &send.rendered {
                Some(Ok(email)) => println!(
                    "{}: {}\n{}",
                    send.delivery_id,
                    email.subject.as_deref().unwrap_or(""),
                    email.body
                ),
                Some(Err(e)) => println!("{}: {e}", send.delivery_id),
                None => println!("{}: {}", send.delivery_id, send.message_id),
            }
        }
        let webhooks = emulator.webhooks();
        let accepted = webhooks.iter().filter(|sent| sent.accepted()).count();
        println!(
            "reporting webhooks: {} sent, {accepted} accepted",
            webhooks.len()
        );
        emulator.shutdown().await;
    }
    Ok(())
}

/// Where the emulator can reach the app listening on `local`: a loopback address
/// (the emulator sends plain HTTP only there).
fn reachable(local: SocketAddr) -> Option<SocketAddr> {
    let ip = local.ip();
    if ip.is_loopback() {
        Some(local)
    } else if ip.is_unspecified() && ip.is_ipv4() {
        Some(SocketAddr::from((Ipv4Addr::LOCALHOST, local.port())))
    } else if ip.is_unspecified() {
        Some(SocketAddr::from((Ipv6Addr::LOCALHOST, local.port())))
    } else {
        None
    }
}
