//! `Profile` (as created), `ProfileUpdate` (any attributes, each set alone) and
//! their constructors.

use std::fmt::Write as _;

use cio_schema::{Field, Taxonomy};

use super::docs::deprecated;
use super::{field_specs, inline_enums, type_spec};
use crate::items;
use crate::render::{self, lit, Out};
use crate::spec::{Generics, Piece, RecordKind, RecordSpec};

/// The profile structs and their inline enums.
pub(super) fn profile(out: &mut Out, taxonomy: &Taxonomy) {
    let attrs = &taxonomy.profile;
    inline_enums(out, "Profile", "profile", attrs);

    let spec = RecordSpec {
        attrs: concat!(
            "#[doc = \" A customer profile as created by `identify`: the attributes of `[profile]`\\n",
            " in events.toml, those required at creation as plain fields.\"] ",
        )
        .to_string(),
        ident: Piece::Text("Profile".to_string()),
        generics: Generics::none(),
        kind: RecordKind::Attributes,
        fields: field_specs("Profile", attrs, false, &[]),
    };
    render::record(out, &spec, true);
    profile_new(out, attrs);

    let spec = RecordSpec {
        attrs: concat!(
            "#[doc = \" A change to a customer profile: any attributes of `[profile]`, each set\\n",
            " alone; unset ones are not sent.\"] ",
            "#[derive(::core::default::Default)] ",
        )
        .to_string(),
        ident: Piece::Text("ProfileUpdate".to_string()),
        generics: Generics::none(),
        kind: RecordKind::Attributes,
        fields: field_specs("Profile", attrs, true, &[]),
    };
    render::record(out, &spec, true);
    profile_update_setters(out, attrs);
}

/// `Profile::new`, taking the attributes required at creation.
fn profile_new(out: &mut Out, attrs: &[Field]) {
    let required: Vec<&Field> = attrs.iter().filter(|f| !f.optional).collect();
    let required_names: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.name.value))
        .collect();
    let new_doc = format!(
        " A profile with the attributes required at creation ({}); the others are `None`.",
        if required_names.is_empty() {
            "none".to_string()
        } else {
            required_names.join(", ")
        }
    );
    let _ = write!(
        out.text,
        "impl Profile {{ #[doc = {}] #[allow(clippy::too_many_arguments)] pub fn new(",
        lit(&new_doc)
    );
    for f in &required {
        let _ = write!(
            out.text,
            "{}: ",
            items::ident_text(&cio_schema::naming::field_name(&f.name.value))
        );
        out.private();
        out.text.push_str("ty! ");
        type_spec(&mut out.text, f, "Profile", false);
        out.text.push_str(", ");
    }
    out.text
        .push_str(") -> Self { #[allow(deprecated)] Profile { ");
    for f in attrs {
        let ident = items::ident_text(&cio_schema::naming::field_name(&f.name.value));
        if f.optional {
            let _ = write!(out.text, "{ident}: ::core::option::Option::None, ");
        } else {
            let _ = write!(out.text, "{ident}, ");
        }
    }
    out.text.push_str("} } }\n");
}

/// `ProfileUpdate::new` and one setter per attribute.
fn profile_update_setters(out: &mut Out, attrs: &[Field]) {
    out.text.push_str("impl ProfileUpdate {\n");
    let has_new_attr = attrs
        .iter()
        .any(|a| cio_schema::naming::field_name(&a.name.value) == "new");
    if !has_new_attr {
        out.text.push_str(concat!(
            "#[doc = \" An update that sets nothing yet.\"] ",
            "pub fn new() -> Self { <Self as ::core::default::Default>::default() }\n",
        ));
    }
    for f in attrs {
        let ident = items::ident_text(&cio_schema::naming::field_name(&f.name.value));
        let _ = write!(
            out.text,
            "#[doc = {}] ",
            lit(&format!(" Sets `{}`.", f.name.value))
        );
        deprecated(&mut out.text, f.deprecated.as_deref());
        let _ = write!(
            out.text,
            "#[must_use] pub fn {ident}(mut self, value: impl ::core::convert::Into<"
        );
        out.private();
        out.text.push_str("ty! ");
        type_spec(&mut out.text, f, "Profile", false);
        let _ = writeln!(
            out.text,
            ">) -> Self {{ #[allow(deprecated)] {{ self.{ident} = ::core::option::Option::Some(value.into()); }} self }}"
        );
    }
    out.text.push_str("}\n");
}
