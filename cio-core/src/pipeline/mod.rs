//! The background delivery pipeline.
