//! The journeys of a taxonomy read at run time: `cio_emulator::cli::journeys`, tested
//! here against what the macro writes (the emulator cannot depend on the macro).

pub(crate) use cio_emulator::cli::journeys::{leak, timestamps};

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{leak, timestamps};

    mod fixture {
        cio::taxonomy!("tests/fixtures/journeys.toml");
    }

    mod workspace {
        cio::taxonomy!("../events.toml");
    }

    fn read(path: &str) -> cio_schema::Taxonomy {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        cio_schema::load(&path, "events.toml").result.unwrap()
    }

    /// The journeys built at run time are exactly those the macro writes.
    #[test]
    fn same_as_the_macro() {
        assert_eq!(
            *leak(&read("tests/fixtures/journeys.toml")),
            fixture::taxonomy::JOURNEYS
        );
        assert_eq!(
            *leak(&read("../events.toml")),
            workspace::taxonomy::JOURNEYS
        );
    }

    /// The timestamp fields the emulator command gives the inbox are the macro's
    /// `taxonomy::TIMESTAMPS`.
    #[test]
    fn same_timestamps_as_the_macro() {
        let workspace = timestamps(&read("../events.toml"));
        assert_eq!(workspace, workspace::taxonomy::TIMESTAMPS);
        assert!(workspace.contains(&"customer.created_at"), "{workspace:?}");
        assert!(
            workspace.contains(&"trial_expiring.expires_at"),
            "{workspace:?}"
        );
    }

    /// `cio-cli coverage` finds what an emulator running the macro's journeys saw.
    #[test]
    fn same_coverage_id_as_the_macro() {
        use cio_emulator::Coverage;
        assert_eq!(
            Coverage::journeys_id(leak(&read("../events.toml"))),
            Coverage::journeys_id(&workspace::taxonomy::JOURNEYS)
        );
    }
}
