//! `mod taxonomy`: what events.toml declares, as constants.

use std::fmt::Write as _;

use crate::cache::Schema;
use crate::render::lit;

/// The `taxonomy` module of constants.
pub(super) fn constants(out: &mut String, private: &str, schema: &Schema) {
    let taxonomy = &schema.taxonomy;
    let list = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|n| lit(n).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let liquid: Vec<String> = taxonomy
        .events
        .iter()
        .map(|e| {
            let name = &e.name.value;
            let fields = list(&mut schema.liquid_fields(name).into_iter());
            format!("({}, &[{fields}])", lit(name))
        })
        .collect();
    let campaigns: Vec<String> = taxonomy
        .campaigns
        .iter()
        .map(|c| {
            let sends = list(&mut c.sends().into_iter().map(|m| m.value.as_str()));
            let trigger = match c.relationship_object() {
                Some(object) => format!("relationship_added:{object}"),
                None => c.trigger.value.clone(),
            };
            format!("({}, {}, &[{sends}])", lit(&c.name.value), lit(&trigger))
        })
        .collect();
    let _ = write!(
        out,
        concat!(
            "#[doc = \" What events.toml declares, as data: for tools, tests and dashboards.\"]\n",
            "pub mod taxonomy {{\n",
            "#[doc = \" Every event name, in declaration order.\"]\n",
            "pub const EVENTS: &[&str] = &[{events}];\n",
            "#[doc = \" Every profile attribute, in declaration order.\"]\n",
            "pub const ATTRIBUTES: &[&str] = &[{attributes}];\n",
            "#[doc = \" Per event, the data fields its campaigns' Liquid reads (always sent).\"]\n",
            "pub const LIQUID_VARIABLES: &[(&str, &[&str])] = &[{liquid}];\n",
            "#[doc = \" Every campaign: its name, its trigger event (or `relationship_added:TYPE` for a campaign a relationship to an object of the type triggers), and the messages it sends.\"]\n",
            "pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[{campaigns}];\n",
            "#[doc = \" Every message name.\"]\n",
            "pub const MESSAGES: &[&str] = &[{messages}];\n",
            "#[doc = \" Every object type: its name and its `object_type_id`, in declaration order.\"]\n",
            "pub const OBJECT_TYPES: &[(&str, u64)] = &[{objects}];\n",
            "#[doc = \" Every subscription topic: its name and its id, in declaration order.\"]\n",
            "pub const TOPICS: &[(&str, u64)] = &[{topics}];\n",
            "#[doc = \" The fields typed `timestamp`, as paths: `customer.NAME` for a profile attribute, `EVENT.NAME` for an event's data field, `objects.TYPE.NAME` for an object's attribute (for `EmulatorBuilder::timestamps`: the inbox shows them as dates).\"]\n",
            "pub const TIMESTAMPS: &[&str] = &[{timestamps}];\n",
        ),
        events = list(&mut taxonomy.events.iter().map(|e| e.name.value.as_str())),
        attributes = list(&mut taxonomy.profile.iter().map(|a| a.name.value.as_str())),
        liquid = liquid.join(", "),
        campaigns = campaigns.join(", "),
        messages = list(&mut taxonomy.messages.iter().map(|m| m.name.value.as_str())),
        objects = pairs(taxonomy.objects.iter().map(|o| (&o.name.value, o.type_id))),
        topics = pairs(taxonomy.topics.iter().map(|t| (&t.name.value, t.id))),
        timestamps = list(&mut taxonomy.timestamp_paths().iter().map(String::as_str)),
    );
    super::journeys::journeys(out, private, taxonomy);
    super::app::templates(out, private, taxonomy);
    out.push_str("}\n");
}

/// `("a", 1), ("b", 2)`.
fn pairs<'a>(items: impl Iterator<Item = (&'a String, u64)>) -> String {
    items
        .map(|(name, id)| format!("({}, {id})", lit(name)))
        .collect::<Vec<_>>()
        .join(", ")
}
