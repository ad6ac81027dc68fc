//! `TrackClient::from_env` (alone in its test binary: it changes the environment).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_core::client::{Error, Region, TrackClient};

#[test]
fn from_env_reads_the_three_variables() {
    // SAFETY of set_var: this binary runs this one test only, on one thread.
    std::env::remove_var("CUSTOMERIO_SITE_ID");
    std::env::remove_var("CUSTOMERIO_TRACK_API_KEY");
    std::env::remove_var("CUSTOMERIO_REGION");
    let err = TrackClient::from_env().unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m == "CUSTOMERIO_SITE_ID is not set"),
        "{err}"
    );

    std::env::set_var("CUSTOMERIO_SITE_ID", "site");
    let err = TrackClient::from_env().unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m == "CUSTOMERIO_TRACK_API_KEY is not set"),
        "{err}"
    );

    std::env::set_var("CUSTOMERIO_TRACK_API_KEY", "key");
    let client = TrackClient::from_env().unwrap();
    assert_eq!(client.base_url(), Region::Us.origin());
    assert_eq!(client.site_id(), "site");

    std::env::set_var("CUSTOMERIO_REGION", "eu");
    assert_eq!(
        TrackClient::from_env().unwrap().base_url(),
        "https://track-eu.customer.io"
    );

    std::env::set_var("CUSTOMERIO_REGION", "apac");
    let err = TrackClient::from_env().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: unknown region `apac` (expected `us` or `eu`)"
    );
}
