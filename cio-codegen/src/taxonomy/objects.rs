//! The structs of `[objects.*]` (an object's attributes, and a person's
//! relationship to one) and the `Topic` enum of `[topics]`.

use std::fmt::Write as _;

use cio_schema::{ObjectType, Taxonomy};

use super::docs::docs;
use super::{field_specs, inline_enums};
use crate::items;
use crate::render::{self, lit, Out};
use crate::spec::{Generics, Piece, RecordKind, RecordSpec};

/// Every object type, then the topics.
pub(super) fn object_items(out: &mut Out, taxonomy: &Taxonomy) {
    for object in &taxonomy.objects {
        object_type(out, taxonomy, object);
    }
    topics(out, taxonomy);
}

/// The events.toml name of the inline enums of an object type's attributes
/// (`objects.company.FIELD`) and of its relationship's
/// (`objects.company.relationship.FIELD`).
pub(crate) fn inline_enum_owners(object: &str) -> (String, String) {
    (
        format!("objects.{object}"),
        format!("objects.{object}.relationship"),
    )
}

fn object_type(out: &mut Out, taxonomy: &Taxonomy, object: &ObjectType) {
    let name = &object.name.value;
    let type_name = cio_schema::naming::type_name(name);
    let relationship_type = format!("{type_name}Relationship");
    let (owner, relationship_owner) = inline_enum_owners(name);
    inline_enums(out, &type_name, &owner, &object.attributes);
    inline_enums(
        out,
        &relationship_type,
        &relationship_owner,
        &object.relationship,
    );

    let campaigns: Vec<String> = taxonomy
        .campaigns_related_to(name)
        .map(|c| format!("`{}`", c.name.value))
        .collect();
    let campaigns = campaigns.join(", ");
    let this = format_args!(
        "The object type `{name}` of events.toml (`object_type_id` {}): its attributes.",
        object.type_id
    );
    let related = format_args!("A person's relationship to one carries a [`{relationship_type}`].");
    let triggers = format_args!(
        "A relationship to one triggers the campaign(s) {campaigns}; their Liquid reads each attribute as `{{{{ trigger.{name}.NAME }}}}`."
    );
    let extra = [this, related, triggers];
    let extra = if campaigns.is_empty() {
        &extra[..2]
    } else {
        &extra[..]
    };
    let mut attrs = String::new();
    docs(&mut attrs, object.doc.as_deref(), extra);
    let spec = RecordSpec {
        attrs,
        ident: Piece::Text(items::ident_text(&type_name)),
        generics: Generics::none(),
        fields: field_specs(&type_name, &object.attributes, false, &[]),
        kind: RecordKind::Object {
            name,
            type_id: object.type_id,
        },
    };
    render::record(out, &spec, true);

    let mut attrs = String::new();
    docs(
        &mut attrs,
        None,
        &[format_args!(
            "A person's relationship to a [`{type_name}`] (object type `{name}` of events.toml): the attributes of its `relationship`, read by Liquid as `{{{{ trigger.relationship.NAME }}}}`."
        )],
    );
    let spec = RecordSpec {
        attrs,
        ident: Piece::Text(items::ident_text(&relationship_type)),
        generics: Generics::none(),
        fields: field_specs(&relationship_type, &object.relationship, false, &[]),
        kind: RecordKind::Relationship {
            object: name,
            type_id: object.type_id,
        },
    };
    render::record(out, &spec, true);
}

/// `pub enum Topic`, its ids and names, and `cio::SubscriptionTopic` (nothing
/// without topics).
fn topics(out: &mut Out, taxonomy: &Taxonomy) {
    if taxonomy.topics.is_empty() {
        return;
    }
    let variants: Vec<String> = taxonomy
        .topics
        .iter()
        .map(|t| items::ident_text(&cio_schema::naming::variant_name(&t.name.value)))
        .collect();
    out.text.push_str(concat!(
        "#[doc = \" The subscription-center topics of events.toml (`[topics]`), each with its id.\"] ",
        "#[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy, ",
        "::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)] pub enum Topic {\n",
    ));
    for (topic, variant) in taxonomy.topics.iter().zip(&variants) {
        docs(
            &mut out.text,
            topic.doc.as_deref(),
            &[format_args!(
                "The topic `{}` (id {}).",
                topic.name.value, topic.id
            )],
        );
        let _ = writeln!(out.text, "{variant},");
    }
    out.text.push_str("}\nimpl Topic {\n");
    let _ = write!(
        out.text,
        "#[doc = \" Every topic, in declaration order.\"] pub const ALL: [Self; {}] = [",
        variants.len()
    );
    for variant in &variants {
        let _ = write!(out.text, "Self::{variant}, ");
    }
    out.text.push_str(
        "];\n#[doc = \" Its id in Customer.io's subscription center.\"] pub const fn id(self) -> ::core::primitive::u64 { match self { ",
    );
    for (topic, variant) in taxonomy.topics.iter().zip(&variants) {
        let _ = write!(out.text, "Self::{variant} => {}, ", topic.id);
    }
    out.text.push_str(
        "} }\n#[doc = \" Its name in events.toml.\"] pub const fn as_str(self) -> &'static str { match self { ",
    );
    for (topic, variant) in taxonomy.topics.iter().zip(&variants) {
        let _ = write!(out.text, "Self::{variant} => {}, ", lit(&topic.name.value));
    }
    out.text
        .push_str("} }\n}\nconst _: () = { #[automatically_derived] impl ");
    out.private();
    out.text.push_str(concat!(
        "SubscriptionTopic for Topic { ",
        "const ALL: &'static [Self] = &Topic::ALL; ",
        "fn id(self) -> ::core::primitive::u64 { Topic::id(self) } ",
        "fn name(self) -> &'static str { Topic::as_str(self) } ",
        "} };\n",
    ));
}
