//! The object types and the subscription topics of the `cio-cli docs` page.

use std::fmt::Write as _;

use cio_schema::Taxonomy;

use super::{cell, fields_table, one_line};

/// `## Object types`: each type's id, doc, the campaigns a relationship to one
/// triggers, its attributes and its relationship's (nothing without object types).
pub(crate) fn objects(s: &mut String, t: &Taxonomy) {
    if t.objects.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Object types\n");
    for object in &t.objects {
        let name = &object.name.value;
        let _ = writeln!(s, "<a id=\"object-{name}\"></a>");
        let _ = writeln!(s, "### Object type `{name}`\n");
        if let Some(doc) = &object.doc {
            let _ = writeln!(s, "{}\n", one_line(doc));
        }
        let _ = writeln!(s, "`object_type_id` {}.\n", object.type_id);
        let triggered: Vec<String> = t
            .campaigns_related_to(name)
            .map(|c| format!("[`{0}`](#campaign-{0})", c.name.value))
            .collect();
        if !triggered.is_empty() {
            let _ = writeln!(
                s,
                "A person related to one triggers: {}.\n",
                triggered.join(", ")
            );
        }
        if object.attributes.is_empty() {
            let _ = writeln!(s, "No attributes.\n");
        } else {
            let _ = writeln!(s, "Attributes (`trigger.{name}.NAME` in Liquid):\n");
            fields_table(s, &object.attributes, "attribute", "required");
        }
        if object.relationship.is_empty() {
            let _ = writeln!(s, "No relationship attributes.\n");
        } else {
            let _ = writeln!(
                s,
                "Relationship attributes (`trigger.relationship.NAME` in Liquid):\n"
            );
            fields_table(s, &object.relationship, "attribute", "required");
        }
    }
}

/// `## Topics`: the subscription-center topics and their ids (nothing without
/// topics).
pub(crate) fn topics(s: &mut String, t: &Taxonomy) {
    if t.topics.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Topics\n");
    let _ = writeln!(s, "| topic | id | doc |");
    let _ = writeln!(s, "|---|---|---|");
    for topic in &t.topics {
        let doc = topic.doc.as_deref().map(one_line).unwrap_or_default();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            topic.name.value,
            topic.id,
            cell(&doc)
        );
    }
    s.push('\n');
}
