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

use std::error::Error;

use cio::client::AppClient;
use cio::outbox::sqlx::postgres::PgPool;
use cio::outbox::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool};
use cio::outbox::{Outbox, Relay, RelayConfig};
use cio_emulator::Emulator;

#[path = "shared/api.rs"]
mod api;
#[path = "shared/routes.rs"]
mod routes;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let api = api::chosen()?;
    let live = api::live(api);
    let emulator = if live {
        None
    } else {
        Some(
            Emulator::builder()
                .app_messages(routes::events::taxonomy::APP_MESSAGES)
                .start()
                .await?,
        )
    };
    let client = api::destination(api, emulator.as_ref())?;
    println!("delivering to the {}", api::title(api));
    let app = match &emulator {
        None => AppClient::from_env().ok(),
        Some(emulator) => Some(
            AppClient::builder(emulator.app_api_key())
                .base_url(emulator.base_url())
                .build()?,
        ),
    };

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

    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    let state = routes::AppState {
        db,
        outbox,
        app,
        reset_base_url: "https://example.com/reset".to_owned(),
    };
    axum::serve(listener, routes::app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;

    let stats = relay.shutdown().await;
    println!("relay: {stats:?}");
    println!("outbox: {:?}", relay.outbox_stats().await?);
    if let Some(emulator) = emulator {
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
        emulator.shutdown().await;
    }
    Ok(())
}
