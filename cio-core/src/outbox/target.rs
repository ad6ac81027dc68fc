//! [`Target`]: where an enqueue writes: the app's transaction or connection, or a pool.

/// Something the outbox can write a row with: `&mut *tx` of the app's transaction
/// (the row commits or rolls back with it), a `&mut` connection, or a `&` pool
/// (the row is written on its own).
///
/// Implemented for the `sqlx` types of the enabled databases; sealed.
pub trait Target<'c>: sealed::Sealed {
    #[doc(hidden)]
    fn into_conn(self) -> Conn<'c>;
}

#[doc(hidden)]
#[derive(Debug)]
pub enum Conn<'c> {
    #[cfg(feature = "sqlite")]
    Sqlite(&'c mut sqlx::SqliteConnection),
    #[cfg(feature = "sqlite")]
    SqlitePool(&'c sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(&'c mut sqlx::PgConnection),
    #[cfg(feature = "postgres")]
    PgPool(&'c sqlx::PgPool),
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! target {
    ($feature:literal, $ty:ty, $variant:ident) => {
        #[cfg(feature = $feature)]
        impl<'c> sealed::Sealed for $ty {}
        #[cfg(feature = $feature)]
        impl<'c> Target<'c> for $ty {
            fn into_conn(self) -> Conn<'c> {
                Conn::$variant(self)
            }
        }
    };
}

target!("sqlite", &'c mut sqlx::SqliteConnection, Sqlite);
target!("sqlite", &'c sqlx::SqlitePool, SqlitePool);
target!("postgres", &'c mut sqlx::PgConnection, Postgres);
target!("postgres", &'c sqlx::PgPool, PgPool);
