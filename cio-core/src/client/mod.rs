//! The Customer.io Track API client.
