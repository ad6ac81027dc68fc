//! The baseline of the `cargo check` comparison: the types `taxonomy!()` generates,
//! written the way a team would write them by hand (serde derives, `impl cio::Event`
//! with the same checks through `cio::constraint`, the same builder and constants).

use std::fmt::Write as _;

use cio_schema::naming::{field_name, type_name, variant_name};
use cio_schema::{Field, FieldType, Taxonomy};

/// The hand-written module for `taxonomy`.
pub(crate) fn module(taxonomy: &Taxonomy) -> String {
    let liquid = cio_schema::liquid::liquid_fields(taxonomy);
    let mut out = String::from("use std::fmt;\nuse std::str::FromStr;\n\n");
    for e in &taxonomy.enums {
        let values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
        enumeration(&mut out, &type_name(&e.name.value), &e.name.value, &values);
    }
    for event in &taxonomy.events {
        let ty = type_name(&event.name.value);
        inline_enums(&mut out, &ty, &event.name.value, &event.data);
        let fields: Vec<String> = liquid
            .get(&event.name.value)
            .map(|set| set.iter().map(|f| format!("{f:?}")).collect())
            .unwrap_or_default();
        let _ = writeln!(out, "/// The event `{}`.", event.name.value);
        record(&mut out, &ty, &event.data, false);
        let _ = writeln!(
            out,
            "impl cio::Event for {ty} {{\n    const NAME: &'static str = {:?};\n    const LIQUID_FIELDS: &'static [&'static str] = &[{}];\n    fn validate(&self) -> Result<(), cio::Violation> {{\n{}        Ok(())\n    }}\n}}\n",
            event.name.value,
            fields.join(", "),
            checks(&event.data)
        );
    }
    inline_enums(&mut out, "Profile", "profile", &taxonomy.profile);
    profile(&mut out, &taxonomy.profile);
    constants(&mut out, taxonomy);
    out
}

fn enumeration(out: &mut String, ty: &str, name: &str, values: &[&str]) {
    let variants: Vec<String> = values.iter().map(|v| variant_name(v)).collect();
    let _ = writeln!(
        out,
        "/// The enum `{name}`.\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]\npub enum {ty} {{"
    );
    for (v, wire) in variants.iter().zip(values) {
        let _ = writeln!(out, "    #[serde(rename = {wire:?})]\n    {v},");
    }
    let all: Vec<String> = variants.iter().map(|v| format!("Self::{v}")).collect();
    let arms: String = variants
        .iter()
        .zip(values)
        .map(|(v, wire)| format!("            Self::{v} => {wire:?},\n"))
        .collect();
    let parse: String = variants
        .iter()
        .zip(values)
        .map(|(v, wire)| format!("            {wire:?} => Ok(Self::{v}),\n"))
        .collect();
    let _ = writeln!(
        out,
        "}}\n\nimpl {ty} {{\n    pub const ALL: [Self; {n}] = [{all}];\n    pub const fn as_str(self) -> &'static str {{\n        match self {{\n{arms}        }}\n    }}\n}}\n\nimpl cio::Enum for {ty} {{\n    const NAME: &'static str = {name:?};\n    const VALUES: &'static [&'static str] = &[{values}];\n    fn as_str(&self) -> &'static str {{\n        {ty}::as_str(*self)\n    }}\n}}\n\nimpl fmt::Display for {ty} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n\nimpl FromStr for {ty} {{\n    type Err = String;\n    fn from_str(s: &str) -> Result<Self, String> {{\n        match s {{\n{parse}            _ => Err(format!(\"unknown {name} `{{s}}`\")),\n        }}\n    }}\n}}\n",
        n = values.len(),
        all = all.join(", "),
        values = values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
}

fn inline_enums(out: &mut String, owner_ty: &str, owner: &str, fields: &[Field]) {
    for f in fields {
        let mut ty = &f.ty;
        while let FieldType::List(inner) = ty {
            ty = inner;
        }
        if let FieldType::InlineEnum(values) = ty {
            let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
            let name = format!("{owner}.{}", f.name.value);
            let ty = format!("{owner_ty}{}", type_name(&f.name.value));
            enumeration(out, &ty, &name, &values);
        }
    }
}

fn rust_type(ty: &FieldType, owner_ty: &str, field: &str) -> String {
    match ty {
        FieldType::String | FieldType::Email | FieldType::Url => "String".into(),
        FieldType::Int => "i64".into(),
        FieldType::Float => "f64".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Timestamp => "cio::Timestamp".into(),
        FieldType::Object => "serde_json::Map<String, serde_json::Value>".into(),
        FieldType::List(inner) => format!("Vec<{}>", rust_type(inner, owner_ty, field)),
        FieldType::Enum(name) => type_name(name),
        FieldType::InlineEnum(_) => format!("{owner_ty}{}", type_name(field)),
    }
}

/// A struct with serde attributes; with `all_optional` every field is an `Option`.
fn record(out: &mut String, ty: &str, fields: &[Field], all_optional: bool) {
    let default = if all_optional { ", Default" } else { "" };
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, PartialEq, serde::Serialize{default})]\npub struct {ty} {{"
    );
    for f in fields {
        let inner = rust_type(&f.ty, ty.trim_end_matches("Update"), &f.name.value);
        let rust = field_name(&f.name.value);
        let _ = writeln!(out, "    /// `{}`.", f.name.value);
        if rust != f.name.value {
            let _ = writeln!(out, "    #[serde(rename = {:?})]", f.name.value);
        }
        if f.optional || all_optional {
            let _ = writeln!(
                out,
                "    #[serde(skip_serializing_if = \"Option::is_none\")]\n    pub {rust}: Option<{inner}>,"
            );
        } else {
            let _ = writeln!(out, "    pub {rust}: {inner},");
        }
    }
    out.push_str("}\n\n");
}

/// The body of `validate`: the same checks the generated code runs.
fn checks(fields: &[Field]) -> String {
    let mut out = String::new();
    for f in fields {
        let rust = field_name(&f.name.value);
        let wire = &f.name.value;
        let mut ty = &f.ty;
        let mut list = false;
        while let FieldType::List(inner) = ty {
            ty = inner;
            list = true;
        }
        let mut body = String::new();
        match ty {
            FieldType::Email => {
                body.push_str(&format!("cio::constraint::check_email({wire:?}, v)?;"))
            }
            FieldType::Url => body.push_str(&format!("cio::constraint::check_url({wire:?}, v)?;")),
            FieldType::Float => {
                body.push_str(&format!("cio::constraint::check_finite({wire:?}, *v)?;"))
            }
            FieldType::Timestamp => {
                body.push_str(&format!("cio::constraint::check_timestamp({wire:?}, *v)?;"))
            }
            _ => {}
        }
        if let Some(min) = f.min {
            body.push_str(&format!(
                "cio::constraint::check_min({wire:?}, *v as f64, {min:?})?;"
            ));
        }
        if let Some(max) = f.max {
            body.push_str(&format!(
                "cio::constraint::check_max({wire:?}, *v as f64, {max:?})?;"
            ));
        }
        if let Some(n) = f.max_length {
            body.push_str(&format!(
                "cio::constraint::check_max_length({wire:?}, v, {n})?;"
            ));
        }
        if body.is_empty() {
            continue;
        }
        let value = match (f.optional, list) {
            (false, false) => format!("        {{ let v = &self.{rust}; {body} }}\n"),
            (true, false) => format!("        if let Some(v) = &self.{rust} {{ {body} }}\n"),
            (false, true) => format!("        for v in &self.{rust} {{ {body} }}\n"),
            (true, true) => {
                format!("        for v in self.{rust}.iter().flatten() {{ {body} }}\n")
            }
        };
        out.push_str(&value);
    }
    out
}

fn profile(out: &mut String, attrs: &[Field]) {
    out.push_str("/// A customer profile.\n");
    record(out, "Profile", attrs, false);
    let required: Vec<&Field> = attrs.iter().filter(|f| !f.optional).collect();
    let params: Vec<String> = required
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                field_name(&f.name.value),
                rust_type(&f.ty, "Profile", &f.name.value)
            )
        })
        .collect();
    let inits: Vec<String> = attrs
        .iter()
        .map(|f| {
            let name = field_name(&f.name.value);
            if f.optional {
                format!("{name}: None")
            } else {
                name
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "impl Profile {{\n    #[allow(clippy::too_many_arguments)]\n    pub fn new({}) -> Self {{\n        Profile {{ {} }}\n    }}\n}}\n\nimpl cio::Attributes for Profile {{\n    fn validate(&self) -> Result<(), cio::Violation> {{\n{}        Ok(())\n    }}\n}}\n",
        params.join(", "),
        inits.join(", "),
        checks(attrs)
    );
    out.push_str("/// A change to a customer profile.\n");
    record(out, "ProfileUpdate", attrs, true);
    out.push_str(
        "impl ProfileUpdate {\n    pub fn new() -> Self {\n        Self::default()\n    }\n",
    );
    for f in attrs {
        let name = field_name(&f.name.value);
        let ty = rust_type(&f.ty, "Profile", &f.name.value);
        let _ = writeln!(
            out,
            "    #[must_use]\n    pub fn {name}(mut self, value: impl Into<{ty}>) -> Self {{\n        self.{name} = Some(value.into());\n        self\n    }}"
        );
    }
    let optional: Vec<Field> = attrs
        .iter()
        .map(|f| Field {
            optional: true,
            ..f.clone()
        })
        .collect();
    let _ = writeln!(
        out,
        "}}\n\nimpl cio::Attributes for ProfileUpdate {{\n    fn validate(&self) -> Result<(), cio::Violation> {{\n{}        Ok(())\n    }}\n}}\n",
        checks(&optional)
    );
}

fn constants(out: &mut String, taxonomy: &Taxonomy) {
    let quoted = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let liquid = cio_schema::liquid::liquid_fields(taxonomy);
    let liquid: Vec<String> = taxonomy
        .events
        .iter()
        .map(|e| {
            let fields = liquid.get(&e.name.value);
            let fields = quoted(&mut fields.into_iter().flatten().map(String::as_str));
            format!("({:?}, &[{fields}])", e.name.value)
        })
        .collect();
    let campaigns: Vec<String> = taxonomy
        .campaigns
        .iter()
        .map(|c| {
            let sends = quoted(&mut c.sends().into_iter().map(|m| m.value.as_str()));
            format!("({:?}, {:?}, &[{sends}])", c.name.value, c.trigger.value)
        })
        .collect();
    let _ = writeln!(
        out,
        "pub mod taxonomy {{\n    pub const EVENTS: &[&str] = &[{}];\n    pub const ATTRIBUTES: &[&str] = &[{}];\n    pub const LIQUID_VARIABLES: &[(&str, &[&str])] = &[{}];\n    pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[{}];\n    pub const MESSAGES: &[&str] = &[{}];\n}}",
        quoted(&mut taxonomy.events.iter().map(|e| e.name.value.as_str())),
        quoted(&mut taxonomy.profile.iter().map(|a| a.name.value.as_str())),
        liquid.join(", "),
        campaigns.join(", "),
        quoted(&mut taxonomy.messages.iter().map(|m| m.name.value.as_str())),
    );
}
