//! The second stage: checks across the whole taxonomy, once every section is read:
//! names that cannot become Rust identifiers or that collide once converted, campaign
//! triggers, sends and branch conditions.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::Sink;
use crate::model::{
    AttributePath, Campaign, CompareOp, Condition, Declared, EventDef, Field, FieldType, Literal,
    Name, PathRoot, Span, Step, Taxonomy, TriggerKind,
};
use crate::naming::{field_name, invalid_name_reason, type_name, variant_name};
use crate::suggest::hint;

/// Runs every cross-section check, recording errors in `sink`.
/// `declared` lists every name the file declares, valid or not: references to a
/// declaration that has its own error are not reported again.
pub(crate) fn check(sink: &mut Sink<'_>, taxonomy: &Taxonomy, declared: &Declared) {
    check_names(sink, taxonomy);
    check_type_collisions(sink, taxonomy);
    for campaign in &taxonomy.campaigns {
        check_campaign(sink, taxonomy, declared, campaign);
    }
}

/// The names a did-you-mean chooses among: the valid declarations in file order, then
/// every other name the file declares (declarations with errors of their own, sorted so
/// that the choice is stable). A typo is suggested its target even when that target
/// has an error of its own, reported beside it.
fn candidates<'a>(
    valid: impl Iterator<Item = &'a str>,
    declared: Option<&'a HashSet<String>>,
) -> Vec<&'a str> {
    let mut all: Vec<&'a str> = valid.collect();
    if let Some(declared) = declared {
        let mut others: Vec<&'a str> = declared
            .iter()
            .map(String::as_str)
            .filter(|name| !all.contains(name))
            .collect();
        others.sort_unstable();
        all.extend(others);
    }
    all
}

fn invalid(sink: &mut Sink<'_>, name: &Name, what: &str) -> bool {
    match invalid_name_reason(&name.value) {
        Some(reason) => {
            sink.error(
                name.span,
                format!("{what} cannot become a Rust identifier: {reason}"),
            );
            true
        }
        None => false,
    }
}

fn check_names(sink: &mut Sink<'_>, taxonomy: &Taxonomy) {
    for e in &taxonomy.enums {
        invalid(sink, &e.name, &format!("enum `{}`", e.name.value));
        check_variants(sink, &e.values, &format!("enum `{}`", e.name.value));
    }
    check_fields(sink, &taxonomy.profile, &|f| {
        format!("profile attribute `{f}`")
    });
    for event in &taxonomy.events {
        invalid(sink, &event.name, &format!("event `{}`", event.name.value));
        let ev = event.name.value.clone();
        check_fields(sink, &event.data, &|f| {
            format!("field `{f}` of event `{ev}`")
        });
    }
    for c in &taxonomy.campaigns {
        invalid(sink, &c.name, &format!("campaign `{}`", c.name.value));
    }
    for m in &taxonomy.messages {
        invalid(sink, &m.name, &format!("message `{}`", m.name.value));
    }
    for m in taxonomy.transactional.iter().chain(&taxonomy.broadcasts) {
        let what = m.describe();
        invalid(sink, &m.name, &what);
        check_fields(sink, &m.data, &|f| format!("field `{f}` of {what}"));
    }
    for object in &taxonomy.objects {
        let what = format!("object type `{}`", object.name.value);
        invalid(sink, &object.name, &what);
        let name = object.name.value.clone();
        check_fields(sink, &object.attributes, &|f| {
            format!("attribute `{f}` of object type `{name}`")
        });
        check_fields(sink, &object.relationship, &|f| {
            format!("relationship attribute `{f}` of object type `{name}`")
        });
    }
    let mut variants: HashMap<String, &Name> = HashMap::new();
    for topic in &taxonomy.topics {
        if let Some(reason) = invalid_name_reason(&topic.name.value) {
            sink.error(
                topic.name.span,
                format!(
                    "topic `{}` cannot become a Rust variant: {reason}",
                    topic.name.value
                ),
            );
            continue;
        }
        let rust = variant_name(&topic.name.value);
        match variants.get(&rust) {
            Some(first) => sink.error(
                topic.name.span,
                format!(
                    "topics `{}` and `{}` both become the Rust variant `Topic::{rust}`",
                    first.value, topic.name.value
                ),
            ),
            None => {
                variants.insert(rust, &topic.name);
            }
        }
    }
    let mut constants: HashMap<String, &Name> = HashMap::new();
    for segment in &taxonomy.segments {
        let what = format!("segment `{}`", segment.name.value);
        if invalid(sink, &segment.name, &what) {
            continue;
        }
        let rust = field_name(&segment.name.value).to_ascii_uppercase();
        match constants.get(&rust) {
            Some(first) => sink.error(
                segment.name.span,
                format!(
                    "segment `{}` and {what} both become the Rust constant `segments::{rust}`",
                    first.value
                ),
            ),
            None => {
                constants.insert(rust, &segment.name);
            }
        }
    }
}

fn check_fields(sink: &mut Sink<'_>, fields: &[Field], what: &dyn Fn(&str) -> String) {
    let mut seen: HashMap<String, &Name> = HashMap::new();
    for field in fields {
        if let FieldType::InlineEnum(values) = &field.ty {
            check_variants(
                sink,
                values,
                &format!("the enum of {}", what(&field.name.value)),
            );
        }
        if invalid_name_reason(&field.name.value).is_some() {
            invalid(sink, &field.name, &what(&field.name.value));
            continue;
        }
        let rust = field_name(&field.name.value);
        match seen.get(&rust) {
            Some(first) => sink.error(
                field.name.span,
                format!(
                    "{} and {} both become the Rust field `{rust}`",
                    what(&first.value),
                    what(&field.name.value)
                ),
            ),
            None => {
                seen.insert(rust, &field.name);
            }
        }
    }
}

fn check_variants(sink: &mut Sink<'_>, values: &[Name], what: &str) {
    let mut seen: HashMap<String, &Name> = HashMap::new();
    for value in values {
        if let Some(reason) = invalid_name_reason(&value.value) {
            sink.error(
                value.span,
                format!(
                    "value `{}` of {what} cannot become a Rust variant: {reason}",
                    value.value
                ),
            );
            continue;
        }
        let rust = variant_name(&value.value);
        match seen.get(&rust) {
            Some(first) => sink.error(
                value.span,
                format!(
                    "values `{}` and `{}` of {what} both become the Rust variant `{rust}`",
                    first.value, value.value
                ),
            ),
            None => {
                seen.insert(rust, value);
            }
        }
    }
}

/// Every Rust type the taxonomy generates: enums, events, inline enums
/// (`{Event}{Field}`, `Profile{Field}`), object types and their relationships
/// (`{Object}`, `{Object}Relationship`), plus `Profile`, `ProfileUpdate` and (with
/// topics) `Topic`.
fn check_type_collisions(sink: &mut Sink<'_>, taxonomy: &Taxonomy) {
    let mut types: Vec<(String, String, Span)> = Vec::new();
    let valid = |n: &Name| invalid_name_reason(&n.value).is_none();
    for e in taxonomy.enums.iter().filter(|e| valid(&e.name)) {
        types.push((
            type_name(&e.name.value),
            format!("enum `{}`", e.name.value),
            e.name.span,
        ));
    }
    let inline = |owner_type: &str, owner: &str, f: &Field| {
        (
            format!("{owner_type}{}", type_name(&f.name.value)),
            format!("the inline enum of {owner}"),
            f.ty_span,
        )
    };
    for f in taxonomy.profile.iter().filter(|f| valid(&f.name)) {
        if matches!(f.ty, FieldType::InlineEnum(_)) {
            types.push(inline(
                "Profile",
                &format!("profile attribute `{}`", f.name.value),
                f,
            ));
        }
    }
    for event in taxonomy.events.iter().filter(|e| valid(&e.name)) {
        let ty = type_name(&event.name.value);
        types.push((
            ty.clone(),
            format!("event `{}`", event.name.value),
            event.name.span,
        ));
        for f in event.data.iter().filter(|f| valid(&f.name)) {
            if matches!(f.ty, FieldType::InlineEnum(_)) {
                let owner = format!("field `{}` of event `{}`", f.name.value, event.name.value);
                types.push(inline(&ty, &owner, f));
            }
        }
    }
    for m in taxonomy
        .transactional
        .iter()
        .chain(&taxonomy.broadcasts)
        .filter(|m| valid(&m.name))
    {
        let ty = type_name(&m.name.value);
        types.push((ty.clone(), m.describe(), m.name.span));
        for f in m.data.iter().filter(|f| valid(&f.name)) {
            if matches!(f.ty, FieldType::InlineEnum(_)) {
                let owner = format!("field `{}` of {}", f.name.value, m.describe());
                types.push(inline(&ty, &owner, f));
            }
        }
    }
    for object in taxonomy.objects.iter().filter(|o| valid(&o.name)) {
        let what = format!("object type `{}`", object.name.value);
        let ty = type_name(&object.name.value);
        let relationship = format!("{ty}Relationship");
        types.push((ty.clone(), what.clone(), object.name.span));
        types.push((
            relationship.clone(),
            format!("the relationship of {what}"),
            object.name.span,
        ));
        for (owner_type, noun, fields) in [
            (&ty, "attribute", &object.attributes),
            (
                &relationship,
                "relationship attribute",
                &object.relationship,
            ),
        ] {
            for f in fields.iter().filter(|f| valid(&f.name)) {
                if matches!(f.ty, FieldType::InlineEnum(_)) {
                    let owner = format!("{noun} `{}` of {what}", f.name.value);
                    types.push(inline(owner_type, &owner, f));
                }
            }
        }
    }
    types.sort_by_key(|(_, _, span)| span.start);
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (ty, desc, span) in &types {
        let reserved = match ty.as_str() {
            "Profile" => Some("the profile attributes"),
            "ProfileUpdate" => Some("profile updates"),
            "Topic" if !taxonomy.topics.is_empty() => Some("the subscription topics"),
            _ => None,
        };
        if let Some(purpose) = reserved {
            sink.error(
                *span,
                format!("{desc} becomes the Rust type `{ty}`, which is reserved for {purpose}"),
            );
            continue;
        }
        match seen.get(ty.as_str()) {
            Some(first) => sink.error(
                *span,
                format!("{first} and {desc} both become the Rust type `{ty}`"),
            ),
            None => {
                seen.insert(ty, desc);
            }
        }
    }
}

fn check_campaign(
    sink: &mut Sink<'_>,
    taxonomy: &Taxonomy,
    declared: &Declared,
    campaign: &Campaign,
) {
    let what = format!("campaign `{}`", campaign.name.value);
    if campaign.trigger_kind == TriggerKind::RelationshipAdded {
        let object = &campaign.trigger;
        if taxonomy.object(&object.value).is_none() && !declared.objects.contains(&object.value) {
            let hint = hint(
                &object.value,
                candidates(
                    taxonomy.objects.iter().map(|o| o.name.as_str()),
                    Some(&declared.objects),
                ),
            );
            sink.error(
                object.span,
                format!(
                    "unknown object type `{}` as the trigger of {what}{hint}",
                    object.value
                ),
            );
        }
        let ctx = CampaignCtx {
            taxonomy,
            declared,
            trigger: None,
            relationship: Some(&object.value),
            what,
        };
        ctx.steps(sink, &campaign.steps);
        return;
    }
    let trigger = taxonomy.event(&campaign.trigger.value);
    if trigger.is_none() && !declared.events.contains(&campaign.trigger.value) {
        let name = &campaign.trigger.value;
        let hint = if taxonomy.object(name).is_some() || declared.objects.contains(name) {
            format!(
                "; `{name}` is an object type: a campaign that a relationship to one starts has `trigger = {{ relationship_added = \"{name}\" }}`"
            )
        } else {
            hint(
                name,
                candidates(
                    taxonomy.events.iter().map(|e| e.name.as_str()),
                    Some(&declared.events),
                ),
            )
        };
        sink.error(
            campaign.trigger.span,
            format!(
                "unknown event `{}` as the trigger of {what}{hint}",
                campaign.trigger.value
            ),
        );
    }
    let ctx = CampaignCtx {
        taxonomy,
        declared,
        trigger,
        relationship: None,
        what,
    };
    ctx.steps(sink, &campaign.steps);
}

struct CampaignCtx<'a> {
    taxonomy: &'a Taxonomy,
    declared: &'a Declared,
    /// The trigger event, when it exists (else `event.*` is not checked).
    trigger: Option<&'a EventDef>,
    /// The object type, when a relationship triggers the campaign (then there is
    /// no `event.*` to read).
    relationship: Option<&'a str>,
    what: String,
}

impl CampaignCtx<'_> {
    fn steps(&self, sink: &mut Sink<'_>, steps: &[Step]) {
        for step in steps {
            match step {
                Step::Wait { .. } => {}
                Step::Send { message } => {
                    if self.taxonomy.message(&message.value).is_none()
                        && !self.declared.messages.contains(&message.value)
                    {
                        let hint = hint(
                            &message.value,
                            candidates(
                                self.taxonomy.messages.iter().map(|m| m.name.as_str()),
                                Some(&self.declared.messages),
                            ),
                        );
                        sink.error(
                            message.span,
                            format!(
                                "unknown message `{}` sent by {}{hint}",
                                message.value, self.what
                            ),
                        );
                    }
                }
                Step::Branch {
                    condition,
                    then,
                    otherwise,
                    ..
                } => {
                    self.condition(sink, condition);
                    self.steps(sink, then);
                    self.steps(sink, otherwise);
                }
            }
        }
    }

    fn condition(&self, sink: &mut Sink<'_>, condition: &Condition) {
        match condition {
            Condition::Truthy(path) => {
                self.field(sink, path);
            }
            Condition::Compare { path, op, value } => {
                if let Some((field, label)) = self.field(sink, path) {
                    self.compare(sink, field, &label, *op, value);
                }
            }
            Condition::Performed(event) => {
                if self.taxonomy.event(&event.value).is_none()
                    && !self.declared.events.contains(&event.value)
                {
                    let hint = hint(
                        &event.value,
                        candidates(
                            self.taxonomy.events.iter().map(|e| e.name.as_str()),
                            Some(&self.declared.events),
                        ),
                    );
                    sink.error(
                        event.span,
                        format!(
                            "unknown event `{}` in a condition of {}{hint}",
                            event.value, self.what
                        ),
                    );
                }
            }
            Condition::Not(inner) => self.condition(sink, inner),
            Condition::And(a, b) | Condition::Or(a, b) => {
                self.condition(sink, a);
                self.condition(sink, b);
            }
        }
    }

    /// The field a path reads and its label (`customer.plan`), or an error. A path
    /// into an `object` field (`event.metadata.plan`) is accepted unchecked.
    fn field(&self, sink: &mut Sink<'_>, path: &AttributePath) -> Option<(&Field, String)> {
        let name = &path.field.value;
        let (fields, all_declared) = match path.root {
            PathRoot::Customer => (&self.taxonomy.profile[..], Some(&self.declared.attributes)),
            PathRoot::Event => {
                if let Some(object) = self.relationship {
                    sink.error(
                        path.field.span,
                        format!(
                            "`event.{name}` in a condition of {}: a relationship to a `{object}` triggers it, not an event, so there is no `event` to read; test `customer.*` or `performed EVENT`",
                            self.what
                        ),
                    );
                    return None;
                }
                let event = self.trigger?;
                let fields = self.declared.event_fields.get(&event.name.value);
                (&event.data[..], fields)
            }
        };
        let declared = all_declared.is_some_and(|names| names.contains(name));
        let root = match path.root {
            PathRoot::Customer => "customer",
            PathRoot::Event => "event",
        };
        if let Some(field) = fields.iter().find(|f| &f.name.value == name) {
            return Some((field, format!("{root}.{name}")));
        }
        if declared {
            return None;
        }
        if let Some((head, _)) = name.split_once('.') {
            if let Some(field) = fields.iter().find(|f| f.name.value == head) {
                if field.ty != FieldType::Object {
                    sink.error(
                        path.field.span,
                        format!(
                            "`{root}.{head}` is `{}`, not an `object`, so `{root}.{name}` cannot be read (in a condition of {})",
                            field.ty.describe(),
                            self.what
                        ),
                    );
                }
                return None;
            }
        }
        let hint = hint(
            name,
            candidates(fields.iter().map(|f| f.name.as_str()), all_declared),
        );
        let message = match (path.root, self.trigger) {
            (PathRoot::Event, Some(event)) => format!(
                "event `{}` has no data field `{name}` (in a condition of {}){hint}",
                event.name.value, self.what
            ),
            _ => format!(
                "unknown profile attribute `{name}` in a condition of {}{hint}",
                self.what
            ),
        };
        sink.error(path.field.span, message);
        None
    }

    fn compare(
        &self,
        sink: &mut Sink<'_>,
        field: &Field,
        label: &str,
        op: CompareOp,
        value: &Literal,
    ) {
        let (literal_kind, at) = match value {
            Literal::String(_, s) => ("a string", *s),
            Literal::Number(_, s) => ("a number", *s),
            Literal::Bool(_, s) => ("`true` or `false`", *s),
        };
        let ty = field.ty.describe();
        let ordered = !matches!(op, CompareOp::Eq | CompareOp::Ne);
        let expected = match &field.ty {
            FieldType::Int | FieldType::Float | FieldType::Timestamp => "a number",
            FieldType::String | FieldType::Email | FieldType::Url => "a string",
            FieldType::Enum(_) | FieldType::InlineEnum(_) => "a string",
            FieldType::Bool => "`true` or `false`",
            FieldType::Object | FieldType::List(_) => {
                sink.error(
                    at,
                    format!(
                        "`{label}` is `{ty}`, which a condition cannot compare; test it alone for presence"
                    ),
                );
                return;
            }
        };
        if ordered && expected != "a number" {
            sink.error(
                at,
                format!("`{label}` is `{ty}`; only numbers and timestamps can be ordered with `<`, `>`, `<=`, `>=`"),
            );
            return;
        }
        if expected != literal_kind {
            sink.error(
                at,
                format!("`{label}` is `{ty}` and cannot be compared with {literal_kind}; compare it with {expected}"),
            );
            return;
        }
        let Literal::String(text, span) = value else {
            return;
        };
        let (values, enum_desc): (&[Name], String) = match &field.ty {
            FieldType::Enum(name) => match self.taxonomy.named_enum(name) {
                Some(e) => (&e.values, format!("enum `{name}`")),
                None => return,
            },
            FieldType::InlineEnum(values) => (values, format!("the enum of `{label}`")),
            _ => return,
        };
        if !values.iter().any(|v| &v.value == text) {
            let hint = hint(text, values.iter().map(|v| v.as_str()));
            sink.error(
                *span,
                format!("`{text}` is not a value of {enum_desc}{hint}"),
            );
        }
    }
}
