//! The checks of transactional messages and broadcasts: their templates parse, and
//! every variable they read is a field of their `data` (`trigger.*`) or a profile
//! attribute (`customer.*`), present or guarded. They have no event: an `event.*` read
//! is an error that says to read `trigger.*`.

use super::check::{check_field, hint, Place, Problem};
use super::{analyze, Root, UseKind};
use crate::model::AppMessage;
use crate::{Diagnostic, SourceFile, Taxonomy};

pub(super) fn check_app_messages(taxonomy: &Taxonomy, events_toml: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for message in taxonomy.transactional.iter().chain(&taxonomy.broadcasts) {
        let parts = message
            .subject
            .iter()
            .map(|t| ("subject", t))
            .chain(message.body.iter().map(|t| ("body", t)));
        for (part, template) in parts {
            let place = Place {
                template,
                events_toml,
            };
            match analyze(&template.source) {
                Err(e) => out.push(place.error(
                    e.offset,
                    1,
                    format!(
                        "{}: the {part} is not valid Liquid: {}",
                        message.describe(),
                        e.message
                    ),
                )),
                Ok(analysis) => {
                    let mut reported: Vec<(Root, String, Problem)> = Vec::new();
                    for u in &analysis.uses {
                        let Some((problem, text)) = problem(taxonomy, message, u) else {
                            continue;
                        };
                        let key = (u.root, u.field().unwrap_or("").to_owned(), problem);
                        if !reported.contains(&key) {
                            reported.push(key);
                            out.push(place.error(u.offset, u.len, text));
                        }
                    }
                }
            }
        }
    }
    out
}

/// What is wrong with the read `u` in `message`, if anything.
fn problem(
    taxonomy: &Taxonomy,
    message: &AppMessage,
    u: &super::VariableUse,
) -> Option<(Problem, String)> {
    let who = message.describe();
    let var = u.dotted();
    if u.kind == UseKind::Dynamic {
        let root = u.root.as_str();
        return Some((
            Problem::Dynamic,
            format!("{who} reads `{root}[…]` with a computed key, which cannot be checked"),
        ));
    }
    match u.root {
        Root::Customer => {
            let (problem, why) = check_field(&taxonomy.profile, u)?;
            let text = match problem {
                Problem::Unknown => format!(
                    "{who} reads `{var}`, which is not a profile attribute{}",
                    hint(u, taxonomy.profile.iter())
                ),
                Problem::Optional => format!(
                    "{who} reads optional `{var}` without a `default` filter or an `if` guard"
                ),
                _ => format!("{who} reads `{var}`, but {why}"),
            };
            Some((problem, text))
        }
        Root::Event => {
            let field = u.field()?;
            let rest = var.strip_prefix("event.").unwrap_or(field);
            Some((
                Problem::NoCampaign,
                format!(
                    "{who} reads `{var}`, but it is sent with its own data, not an event: read `trigger.{rest}`"
                ),
            ))
        }
        Root::Trigger => {
            let (problem, why) = check_field(&message.data, u)?;
            let text = match problem {
                Problem::Unknown if message.data.is_empty() => {
                    format!("{who} reads `{var}`, but it declares no `data`")
                }
                Problem::Unknown => format!(
                    "{who} reads `{var}`, which is not a field of its `data`{}",
                    hint(u, message.data.iter())
                ),
                Problem::Optional => format!(
                    "{who} reads optional `{var}` without a `default` filter or an `if` guard"
                ),
                _ => format!("{who} reads `{var}`, but {why}"),
            };
            Some((problem, text))
        }
    }
}
