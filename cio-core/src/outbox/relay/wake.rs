//! What wakes an idle relay: a PostgreSQL `NOTIFY` for written rows, or the poll
//! interval (always the fallback: a lost listener connection only delays rows).

use std::time::Duration;

use super::super::store::Store;

/// Waits for rows to be announced, or for a timeout.
pub(crate) struct Wake {
    #[cfg(feature = "postgres")]
    listener: Option<sqlx::postgres::PgListener>,
    #[cfg(feature = "postgres")]
    channel: Option<String>,
}

impl Wake {
    pub(crate) fn new(store: &Store) -> Wake {
        #[cfg(feature = "postgres")]
        let channel = match store {
            Store::Postgres(pg) => Some(pg.channel().to_owned()),
            #[allow(unreachable_patterns)]
            _ => None,
        };
        #[cfg(not(feature = "postgres"))]
        let _ = store;
        Wake {
            #[cfg(feature = "postgres")]
            listener: None,
            #[cfg(feature = "postgres")]
            channel,
        }
    }

    /// Returns when rows were announced or after `timeout`.
    pub(crate) async fn wait(&mut self, store: &Store, timeout: Duration) {
        #[cfg(feature = "postgres")]
        if let (Store::Postgres(pg), Some(channel)) = (store, &self.channel) {
            if self.listener.is_none() {
                self.listener = listen(pg.pool(), channel).await;
            }
            if let Some(listener) = &mut self.listener {
                match tokio::time::timeout(timeout, listener.try_recv()).await {
                    Ok(Ok(Some(_))) | Err(_) => {}
                    Ok(Ok(None)) | Ok(Err(_)) => {
                        tracing::debug!(
                            "outbox listener connection lost; polling until it is back"
                        );
                        self.listener = None;
                    }
                }
                return;
            }
        }
        let _ = store;
        tokio::time::sleep(timeout).await;
    }
}

#[cfg(feature = "postgres")]
async fn listen(pool: &sqlx::PgPool, channel: &str) -> Option<sqlx::postgres::PgListener> {
    let mut listener = match sqlx::postgres::PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::debug!(%error, "cannot open the outbox listener; polling");
            return None;
        }
    };
    match listener.listen(channel).await {
        Ok(()) => Some(listener),
        Err(error) => {
            tracing::debug!(%error, "cannot LISTEN for outbox rows; polling");
            None
        }
    }
}
