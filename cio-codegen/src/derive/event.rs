//! `#[derive(cio::Event)]`.

use std::path::Path;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use super::{declared_name, finish, unknown_name_hint, Derive};
use crate::attr::ContainerAttrs;
use crate::fields::{self, Target};
use crate::spec::RecordKind;

/// Expands the derive.
pub(crate) fn expand(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    super::derive(
        input,
        manifest_dir,
        &["name", "taxonomy", "crate"],
        stub,
        checked,
    )
}

/// The derive once events.toml is loaded: checks the input against it.
fn checked(derive: Derive<'_>) -> TokenStream {
    let Derive {
        input,
        attrs,
        schema,
        mut errors,
        track,
    } = derive;
    let taxonomy = &schema.taxonomy;
    let (name, name_span) = declared_name(input, attrs);
    let syn::Data::Struct(data) = &input.data else {
        errors.at(
            input.ident.span(),
            "`#[derive(cio::Event)]` works on structs: the fields are the event's data",
        );
        let stub = stub(input, attrs);
        return finish(track, &errors, stub);
    };
    let Some(event) = taxonomy.event(&name) else {
        let names = taxonomy.events.iter().map(|e| e.name.value.as_str());
        let hint = unknown_name_hint(&name, names, attrs, "event_name");
        errors.at(
            name_span,
            format!("unknown event `{name}`: events.toml declares no such event{hint}"),
        );
        let stub = stub(input, attrs);
        return finish(track, &errors, stub);
    };
    let target = Target {
        describe: format!("event `{name}`"),
        declared: &event.data,
        owner: &event.name.value,
    };
    let matching = fields::match_fields(data, &target, &mut errors);
    let what = format!("the data fields event `{name}` requires");
    fields::require_all(&input.ident, &matching, &target, &what, &mut errors);
    let matched = matching.matched;
    let liquid = schema.liquid_fields(&name);
    for m in &matched {
        if m.optional && !m.declared.optional {
            let field = &m.declared.name.value;
            let message = if liquid.contains(&field.as_str()) {
                let campaigns: Vec<String> = taxonomy
                    .campaigns_triggered_by(&name)
                    .map(|c| format!("`{}`", c.name.value))
                    .collect();
                format!(
                    "field `{field}` cannot be optional: the Liquid of campaign {} reads `{{{{ event.{field} }}}}`, so every `{name}` must carry it",
                    campaigns.join(", ")
                )
            } else {
                format!(
                    "field `{field}` cannot be optional: events.toml declares it required (`{}`, not `{}?`)",
                    m.declared.ty.describe(),
                    m.declared.ty.describe()
                )
            };
            errors.spanned(&m.field.ty, message);
        }
    }
    let impls = super::struct_impls(
        input,
        attrs,
        &matched,
        target.owner,
        RecordKind::Event {
            name: &name,
            liquid,
        },
    );
    finish(track, &errors, impls)
}

/// The impls emitted when the derive fails, so that uses of the type do not add
/// errors of their own.
fn stub(input: &DeriveInput, attrs: &ContainerAttrs) -> TokenStream {
    let (name, _) = declared_name(input, attrs);
    let kind = RecordKind::Event {
        name: &name,
        liquid: Vec::new(),
    };
    super::record_impls(input, attrs, kind, Vec::new())
}
