//! The generated types serialize to exactly the JSON Customer.io expects.

use serde_json::json;

mod all {
    cio::taxonomy!("tests/fixtures/all_types.toml");
}

use all::*;
use cio::{Attributes, Enum, Event, Timestamp};

fn extra() -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    map.insert("nested".into(), json!({"a": [1, 2], "b": null}));
    map
}

fn everything() -> Everything {
    Everything {
        text: "hello".into(),
        address: "jane@example.com".into(),
        link: "https://example.com/a?b=c".into(),
        count: -42,
        ratio: 0.25,
        flag: true,
        at: Timestamp::from_unix(1_700_000_000),
        extra: extra(),
        tags: vec!["a".into(), "b".into()],
        scores: vec![1, 2, 3],
        tier: Tier::ProPlus,
        size: EverythingSize::Large,
    }
}

#[test]
fn every_type_has_its_wire_form() {
    let value = serde_json::to_value(everything()).unwrap();
    assert_eq!(
        value,
        json!({
            "text": "hello",
            "address": "jane@example.com",
            "link": "https://example.com/a?b=c",
            "count": -42,
            "ratio": 0.25,
            "flag": true,
            "at": 1_700_000_000,
            "extra": {"nested": {"a": [1, 2], "b": null}},
            "tags": ["a", "b"],
            "scores": [1, 2, 3],
            "tier": "pro_plus",
            "size": "large",
        })
    );
}

#[test]
fn fields_keep_declaration_order_on_the_wire() {
    let text = serde_json::to_string(&everything()).unwrap();
    let order = [
        "\"text\"",
        "\"address\"",
        "\"link\"",
        "\"count\"",
        "\"ratio\"",
    ];
    let positions: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn absent_optional_fields_are_omitted_not_null() {
    let empty = NothingSet {
        text: None,
        address: None,
        link: None,
        count: None,
        ratio: None,
        flag: None,
        at: None,
        extra: None,
        tags: None,
        tier: None,
    };
    assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
    let some = NothingSet {
        count: Some(0),
        flag: Some(false),
        tags: Some(vec![]),
        tier: Some(Tier::Free),
        ..empty
    };
    assert_eq!(
        serde_json::to_value(&some).unwrap(),
        json!({"count": 0, "flag": false, "tags": [], "tier": "free"})
    );
}

#[test]
fn wire_names_are_kept_exactly() {
    let e = CamelCaseEvent {
        some_field: "x".into(),
        r#type: Some("y".into()),
    };
    assert_eq!(<CamelCaseEvent as Event>::NAME, "camelCaseEvent");
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"someField": "x", "type": "y"})
    );
}

#[test]
fn event_names_and_enums() {
    assert_eq!(<Everything as Event>::NAME, "everything");
    assert_eq!(Tier::ALL, [Tier::Free, Tier::ProPlus, Tier::Enterprise]);
    assert_eq!(<Tier as Enum>::VALUES, ["free", "pro_plus", "enterprise"]);
    assert_eq!(<EverythingSize as Enum>::NAME, "everything.size");
    assert_eq!(Tier::ProPlus.as_str(), "pro_plus");
    assert_eq!(Tier::ProPlus.to_string(), "pro_plus");
    assert_eq!("enterprise".parse::<Tier>(), Ok(Tier::Enterprise));
    let err = "gold".parse::<Tier>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`gold` is not a value of the enum `tier` (expected one of: free, pro_plus, enterprise)"
    );
}

#[test]
fn profile_and_update() {
    let profile = Profile::new("jane@example.com".into(), Tier::ProPlus);
    assert_eq!(
        serde_json::to_value(&profile).unwrap(),
        json!({"email": "jane@example.com", "tier": "pro_plus"})
    );
    let full = Profile {
        nickname: Some("J".into()),
        seats: Some(3),
        joined_at: Some(Timestamp::from_unix(1_600_000_000)),
        ..profile
    };
    assert_eq!(
        serde_json::to_value(&full).unwrap(),
        json!({"email": "jane@example.com", "nickname": "J", "tier": "pro_plus", "seats": 3, "joined_at": 1_600_000_000})
    );
    let update = ProfileUpdate::new().seats(12).nickname("Jay");
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"nickname": "Jay", "seats": 12})
    );
    assert_eq!(
        serde_json::to_string(&ProfileUpdate::default()).unwrap(),
        "{}"
    );
}

#[test]
fn constraints_are_checked() {
    assert_eq!(everything().validate(), Ok(()));
    let bad_email = Everything {
        address: "not an email".into(),
        ..everything()
    };
    assert_eq!(
        bad_email.validate().unwrap_err().to_string(),
        "`address` is not an email address"
    );
    let bad_url = Everything {
        link: "example.com".into(),
        ..everything()
    };
    assert_eq!(
        bad_url.validate().unwrap_err().to_string(),
        "`link` is not an absolute http(s) URL"
    );
    let millis = Everything {
        at: Timestamp::from_unix(1_700_000_000_000),
        ..everything()
    };
    assert_eq!(
        millis.validate().unwrap_err().to_string(),
        "`at` is 1700000000000, a timestamp in milliseconds; Customer.io wants Unix seconds"
    );
    let nan = Everything {
        ratio: f64::NAN,
        ..everything()
    };
    assert_eq!(
        nan.validate().unwrap_err().to_string(),
        "`ratio` is not a finite number"
    );

    let ok = Bounded {
        amount: 1000.0,
        note: Some("12345".into()),
        invitees: vec!["a@b.co".into()],
        offset: -12,
    };
    assert_eq!(ok.validate(), Ok(()));
    let west = Bounded {
        offset: -13,
        ..ok.clone()
    };
    assert_eq!(
        west.validate().unwrap_err().to_string(),
        "`offset` is -13, below its minimum -12"
    );
    let over = Bounded {
        amount: 1000.5,
        ..ok.clone()
    };
    assert_eq!(
        over.validate().unwrap_err().to_string(),
        "`amount` is 1000.5, above its maximum 1000"
    );
    let long = Bounded {
        note: Some("123456".into()),
        ..ok.clone()
    };
    assert_eq!(
        long.validate().unwrap_err().to_string(),
        "`note` is 6 characters long, longer than its max_length 5"
    );
    let bad_list = Bounded {
        invitees: vec!["a@b.co".into(), "nope".into()],
        ..ok
    };
    assert_eq!(
        bad_list.validate().unwrap_err().to_string(),
        "`invitees` is not an email address"
    );
    let few_seats = ProfileUpdate::new().seats(0);
    assert_eq!(
        few_seats.validate().unwrap_err().to_string(),
        "`seats` is 0, below its minimum 1"
    );
}

#[test]
#[allow(deprecated)]
fn deprecated_events_still_work() {
    let ping = LegacyPing {};
    assert_eq!(serde_json::to_string(&ping).unwrap(), "{}");
    assert_eq!(<LegacyPing as Event>::NAME, "legacy_ping");
}

#[test]
fn taxonomy_constants() {
    assert_eq!(
        taxonomy::EVENTS,
        [
            "everything",
            "nothing_set",
            "bounded",
            "legacy_ping",
            "camelCaseEvent"
        ]
    );
    assert_eq!(
        taxonomy::ATTRIBUTES,
        ["email", "nickname", "tier", "seats", "joined_at"]
    );
}
