//! What `taxonomy!()` still generates from an `events.toml` with errors: every
//! declaration cio-schema could read (and an empty stub for each it could not),
//! less whatever would not compile (a name that is no Rust identifier, a second
//! type or field of the same Rust name, a field of an enum left out). The file's
//! errors are reported either way; this only keeps them from cascading into
//! "cannot find type" errors at every use.

use std::collections::HashSet;

use cio_schema::naming::{field_name, invalid_name_reason, type_name, variant_name};
use cio_schema::{Field, FieldType, Name, Taxonomy};

/// `taxonomy` without what would not compile.
pub(crate) fn salvage(mut taxonomy: Taxonomy) -> Taxonomy {
    let mut types: HashSet<String> = ["Profile", "ProfileUpdate"].map(String::from).into();
    taxonomy.enums.retain_mut(|e| {
        let keep = valid(&e.name.value) && types.insert(type_name(&e.name.value));
        distinct_variants(&mut e.values);
        keep
    });
    let enums: HashSet<String> = taxonomy
        .enums
        .iter()
        .map(|e| e.name.value.clone())
        .collect();
    taxonomy.events.retain(|e| valid(&e.name.value));
    taxonomy
        .events
        .retain(|e| types.insert(type_name(&e.name.value)));
    for event in &mut taxonomy.events {
        let owner = type_name(&event.name.value);
        fields(&mut event.data, &owner, &enums, &mut types);
    }
    fields(&mut taxonomy.profile, "Profile", &enums, &mut types);
    for messages in [&mut taxonomy.transactional, &mut taxonomy.broadcasts] {
        messages.retain(|m| valid(&m.name.value) && types.insert(type_name(&m.name.value)));
    }
    for message in taxonomy
        .transactional
        .iter_mut()
        .chain(taxonomy.broadcasts.iter_mut())
    {
        let owner = type_name(&message.name.value);
        fields(&mut message.data, &owner, &enums, &mut types);
    }
    if !taxonomy.topics.is_empty() && !types.insert("Topic".to_string()) {
        taxonomy.topics.clear();
    }
    taxonomy.objects.retain(|o| {
        let ty = type_name(&o.name.value);
        valid(&o.name.value)
            && !types.contains(&ty)
            && !types.contains(&format!("{ty}Relationship"))
            && types.insert(format!("{ty}Relationship"))
            && types.insert(ty)
    });
    for object in &mut taxonomy.objects {
        let owner = type_name(&object.name.value);
        fields(&mut object.attributes, &owner, &enums, &mut types);
        let owner = format!("{owner}Relationship");
        fields(&mut object.relationship, &owner, &enums, &mut types);
    }
    let mut variants = HashSet::new();
    taxonomy
        .topics
        .retain(|t| valid(&t.name.value) && variants.insert(variant_name(&t.name.value)));
    let mut constants = HashSet::new();
    taxonomy.segments.retain(|s| {
        valid(&s.name.value) && constants.insert(field_name(&s.name.value).to_ascii_uppercase())
    });
    taxonomy
}

/// `true` when `name` can become a Rust identifier.
fn valid(name: &str) -> bool {
    invalid_name_reason(name).is_none()
}

/// Keeps the fields that compile: a valid, distinct Rust name, and a type whose
/// enum is generated (an inline enum's `{Owner}{Field}` name taken by no other type).
fn fields(
    fields: &mut Vec<Field>,
    owner: &str,
    enums: &HashSet<String>,
    types: &mut HashSet<String>,
) {
    let mut names = HashSet::new();
    fields.retain_mut(|f| {
        valid(&f.name.value)
            && names.insert(field_name(&f.name.value))
            && field_type(
                &mut f.ty,
                &format!("{owner}{}", type_name(&f.name.value)),
                enums,
                types,
            )
    });
}

fn field_type(
    ty: &mut FieldType,
    inline_name: &str,
    enums: &HashSet<String>,
    types: &mut HashSet<String>,
) -> bool {
    match ty {
        FieldType::Enum(name) => enums.contains(name.as_str()),
        FieldType::InlineEnum(values) => {
            distinct_variants(values);
            types.insert(inline_name.to_string())
        }
        FieldType::List(inner) => field_type(inner, inline_name, enums, types),
        _ => true,
    }
}

/// Keeps the values that become valid, distinct variants.
fn distinct_variants(values: &mut Vec<Name>) {
    let mut seen = HashSet::new();
    values.retain(|v| valid(&v.value) && seen.insert(variant_name(&v.value)));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use cio_schema::{AppChannel, AppMessageId};

    fn taxonomy(src: &str) -> Taxonomy {
        let loaded = cio_schema::load_str(src, "events.toml", None);
        assert!(loaded.result.is_err());
        salvage(loaded.structure.unwrap())
    }

    #[test]
    fn keeps_what_compiles() {
        let t = taxonomy(
            r#"
[enums]
plan = ["free", "pro", "Pro"]
"9lives" = ["a"]

[events.signed_up]
data = { method = "strng", plan = "plan", size = { enum = ["s", "m"] } }

[events.SignedUp]
data = { x = "int" }

[events.order]
data = { lives = "9lives", total = "float" }
"#,
        );
        let enums: Vec<&str> = t.enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(enums, ["plan"]);
        let plan: Vec<&str> = t.enums[0].values.iter().map(Name::as_str).collect();
        assert_eq!(plan, ["free", "pro"]);
        let events: Vec<&str> = t.events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(events, ["signed_up", "order"]);
        let fields: Vec<&str> = t.events[0].data.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(fields, ["plan", "size"]);
        let fields: Vec<&str> = t.events[1].data.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(fields, ["total"]);
    }

    #[test]
    fn app_messages_with_errors_stand_in_with_their_data() {
        let t = taxonomy(
            r#"
[events.order]
data = { total = "float" }

[transactional.password_reset]
id = "password_reset"
channel = "emial"
data = { reset_url = "url", minutes = "nt" }

[transactional.order]
id = 3

[transactional."9lives"]
id = 4

[broadcasts.product_update]
id = "42"
data = { headline = "string" }

[segments]
beta_testers = 7
betaTesters = 8
"2fast" = 9
"#,
        );
        let names: Vec<&str> = t.transactional.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["password_reset"]);
        let reset = &t.transactional[0];
        assert_eq!(reset.id, AppMessageId::Text("password_reset".into()));
        assert_eq!(reset.channel, AppChannel::Email);
        let fields: Vec<&str> = reset.data.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(fields, ["reset_url"]);
        let names: Vec<&str> = t.broadcasts.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["product_update"]);
        assert_eq!(t.broadcasts[0].id, AppMessageId::Number(0));
        let segments: Vec<&str> = t.segments.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(segments, ["beta_testers"]);
    }

    #[test]
    fn object_types_and_topics_keep_what_compiles() {
        let t = taxonomy(
            r#"
[events.team]

[objects.company]
attributes = { name = "string", seats = "nt", tier = { enum = ["a", "b"] } }
relationship = { role = "string" }

[objects.team]
type_id = 2

[objects."9lives"]
type_id = 3

[objects.account]
type_id = 4

[objects.group]
type_id = 4

[topics]
product_updates = 1
productUpdates = 2
"2fa" = 3
news = 0
"#,
        );
        // `company` has no type_id (it stands in with 0) and `group` the type_id of
        // `account` (it stands in with it).
        let objects: Vec<(&str, u64)> = t
            .objects
            .iter()
            .map(|o| (o.name.as_str(), o.type_id))
            .collect();
        assert_eq!(objects, [("account", 4), ("company", 0), ("group", 4)]);
        let company = &t.objects[1];
        let names: Vec<&str> = company.attributes.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["name", "tier"]);
        assert_eq!(company.relationship.len(), 1);
        let topics: Vec<&str> = t.topics.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(topics, ["product_updates"]);
    }

    #[test]
    fn topics_give_way_to_a_type_named_topic() {
        let t = taxonomy(
            r#"
[events.topic]

[topics]
news = 1
"#,
        );
        assert_eq!(t.events.len(), 1);
        assert!(t.topics.is_empty());
    }
}
