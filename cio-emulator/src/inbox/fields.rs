//! Values as the inbox shows them: JSON, except the fields `events.toml` types
//! `timestamp`, shown as dates with their Unix seconds beside them.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use cio_core::Timestamp;
use serde_json::{Map, Value};

use super::markup::{escape, json_text};
use super::time::{iso, utc};
use crate::record::State;

/// Which profile attributes and event data fields are timestamps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Timestamps {
    /// Attribute names.
    attributes: BTreeSet<String>,
    /// (event name, field name).
    event_fields: BTreeSet<(String, String)>,
}

impl Timestamps {
    /// From declared paths: `customer.NAME` for an attribute, `EVENT.NAME` for an
    /// event's data field (an event name may hold dots); an object's attribute
    /// (`objects.TYPE.NAME`) and anything else are ignored.
    pub(super) fn from_paths<'a>(paths: impl IntoIterator<Item = &'a str>) -> Self {
        let mut timestamps = Timestamps::default();
        for path in paths {
            if let Some(name) = path.strip_prefix("customer.") {
                timestamps.attributes.insert(name.to_owned());
                continue;
            }
            if path
                .strip_prefix("objects.")
                .is_some_and(|rest| rest.contains('.'))
            {
                continue;
            }
            if let Some((event, name)) = path.rsplit_once('.') {
                timestamps
                    .event_fields
                    .insert((event.to_owned(), name.to_owned()));
            }
        }
        timestamps
    }

    /// Whether the attribute `name` is a timestamp.
    pub(super) fn attribute(&self, name: &str) -> bool {
        self.attributes.contains(name)
    }

    /// Whether the data field `name` of `event` is a timestamp.
    pub(super) fn event_field(&self, event: &str, name: &str) -> bool {
        self.event_fields
            .iter()
            .any(|(e, n)| e.as_str() == event && n.as_str() == name)
    }
}

/// The fields of the emulator's `events.toml` typed `timestamp`, as the emulator
/// was given them ([`EmulatorBuilder::timestamps`](crate::EmulatorBuilder::timestamps):
/// `taxonomy::TIMESTAMPS`, or the `events.toml` the command runs): without them,
/// every value shows as JSON.
pub(super) fn declared(state: &State) -> Timestamps {
    Timestamps::from_paths(state.timestamps.iter().copied())
}

/// The seconds of a Unix-seconds value a date can be shown for (years 1 to 9999).
fn seconds(value: &Value) -> Option<i64> {
    const RANGE: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;
    let secs = match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e15)
                .map(|f| f.floor() as i64)
        }),
        _ => None,
    }?;
    RANGE.contains(&secs).then_some(secs)
}

/// A value as HTML: a date (with the raw value beside it and on hover) when
/// `timestamp` and it is Unix seconds, its JSON otherwise.
pub(super) fn value(value: &Value, timestamp: bool) -> String {
    match seconds(value).filter(|_| timestamp) {
        Some(secs) => {
            let t = Timestamp::from_unix(secs);
            let raw = json_text(value);
            format!(
                "<time class=\"ts\" datetime=\"{}\" title=\"{raw} (Unix seconds)\">{}</time> \
                 <code class=\"raw\">{raw}</code>",
                escape(&iso(t)),
                escape(&utc(t))
            )
        }
        None => format!("<code>{}</code>", json_text(value)),
    }
}

/// An event's data as `name value` pairs, timestamps as dates.
pub(super) fn event_data(
    event: &str,
    data: &Map<String, Value>,
    timestamps: &Timestamps,
) -> String {
    if data.is_empty() {
        return "<span class=\"muted\">no data</span>".to_owned();
    }
    let mut html = String::from("<span class=\"data\">");
    for (name, v) in data {
        let _ = write!(
            html,
            "<span class=\"field\"><span class=\"name\">{}</span> {}</span>",
            escape(name),
            value(v, timestamps.event_field(event, name))
        );
    }
    html.push_str("</span>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn declared_paths_name_attributes_and_event_fields() {
        let t = Timestamps::from_paths([
            "customer.created_at",
            "trial.ends_at",
            "nonsense",
            "sign.up.at",
            "objects.company.founded_at",
        ]);
        assert!(t.attribute("created_at"));
        assert!(t.event_field("sign.up", "at"));
        assert!(!t.event_field("objects", "company.founded_at"));
        assert!(!t.event_field("objects.company", "founded_at"));
        assert!(!t.attribute("ends_at"));
        assert!(t.event_field("trial", "ends_at"));
        assert!(!t.event_field("other", "ends_at"));
    }

    #[test]
    fn timestamps_show_as_dates_with_the_raw_value() {
        let html = value(&json!(1_700_000_000), true);
        assert_eq!(
            html,
            "<time class=\"ts\" datetime=\"2023-11-14T22:13:20Z\" title=\"1700000000 (Unix seconds)\">\
             2023-11-14 22:13:20 UTC</time> <code class=\"raw\">1700000000</code>"
        );
        assert!(value(&json!(1_700_000_000.9), true).contains("22:13:20 UTC"));
        // Not a timestamp field, or not Unix seconds: JSON.
        assert_eq!(
            value(&json!(1_700_000_000), false),
            "<code>1700000000</code>"
        );
        assert_eq!(
            value(&json!("2023-11-14"), true),
            "<code>&quot;2023-11-14&quot;</code>"
        );
        assert_eq!(value(&json!(1e300), true), "<code>1e+300</code>");
        assert_eq!(value(&json!(null), true), "<code>null</code>");
    }

    #[test]
    fn event_data_is_escaped() {
        let data = json!({"<b>": "<script>alert(1)</script>", "at": 0});
        let t = Timestamps::from_paths(["ev.at"]);
        let html = event_data("ev", data.as_object().unwrap_or(&Map::new()), &t);
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(html.contains("1970-01-01 00:00:00 UTC"), "{html}");
    }
}
