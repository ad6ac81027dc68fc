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
            format!(
                "({}, {}, &[{sends}])",
                lit(&c.name.value),
                lit(&c.trigger.value)
            )
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
            "#[doc = \" Every campaign: its name, its trigger event, and the messages it sends.\"]\n",
            "pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[{campaigns}];\n",
            "#[doc = \" Every message name.\"]\n",
            "pub const MESSAGES: &[&str] = &[{messages}];\n",
        ),
        events = list(&mut taxonomy.events.iter().map(|e| e.name.value.as_str())),
        attributes = list(&mut taxonomy.profile.iter().map(|a| a.name.value.as_str())),
        liquid = liquid.join(", "),
        campaigns = campaigns.join(", "),
        messages = list(&mut taxonomy.messages.iter().map(|m| m.name.value.as_str())),
    );
    super::journeys::journeys(out, private, taxonomy);
    super::app::templates(out, private, taxonomy);
    out.push_str("}\n");
}
