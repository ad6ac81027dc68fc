//! `#[cio(...)]` attributes on the app's types, fields and variants.

use proc_macro2::TokenStream;
use quote::ToTokens as _;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr};

use crate::emit::Errors;

/// The path of the `cio` crate that generated code names.
pub(crate) struct Krate {
    /// As source text, for the generated text (`::cio`).
    pub(crate) text: String,
    /// As tokens.
    pub(crate) tokens: TokenStream,
}

impl Default for Krate {
    fn default() -> Self {
        Krate {
            text: "::cio".to_string(),
            tokens: quote::quote!(::cio),
        }
    }
}

impl quote::ToTokens for Krate {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.tokens.clone());
    }
}

impl Krate {
    /// The path given by `crate = "path"` (a renamed dependency).
    fn parse(lit: &LitStr) -> syn::Result<Krate> {
        Ok(Krate::of(&lit.parse()?))
    }

    /// The crate at `path`.
    pub(crate) fn of(path: &syn::Path) -> Krate {
        let tokens = path.to_token_stream();
        Krate {
            text: tokens.to_string(),
            tokens,
        }
    }
}

/// What `#[cio(...)]` on a struct or enum says.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `name = "signed_up"`: the event, enum or (unused) name in events.toml.
    pub(crate) name: Option<LitStr>,
    /// `taxonomy = "path/events.toml"`, relative to the crate root.
    pub(crate) taxonomy: Option<LitStr>,
    /// `create`: the type creates profiles, so required attributes must be present.
    pub(crate) create: bool,
    /// `crate = "path"`: where the `cio` crate is, when the dependency is renamed.
    pub(crate) krate: Krate,
}

/// What `#[cio(...)]` on a field or variant says.
#[derive(Default)]
pub(crate) struct MemberAttrs {
    /// `rename = "wireName"`.
    pub(crate) rename: Option<LitStr>,
    /// `skip`: the field is the app's own, not sent.
    pub(crate) skip: bool,
}

/// Reads `#[cio(...)]` on a container; `allowed` lists the keys this derive takes.
pub(crate) fn container(
    attrs: &[Attribute],
    allowed: &[&str],
    errors: &mut Errors,
) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    each_key(attrs, allowed, errors, |key, meta| {
        match key {
            "name" => out.name = Some(meta.value()?.parse()?),
            "taxonomy" => out.taxonomy = Some(meta.value()?.parse()?),
            "create" => out.create = true,
            "crate" => {
                let lit: LitStr = meta.value()?.parse()?;
                out.krate = Krate::parse(&lit).map_err(|_| {
                    syn::Error::new(
                        lit.span(),
                        "expected the path of the cio crate, such as `crate = \"my_cio\"`",
                    )
                })?;
            }
            _ => return Err(meta.error(unknown_key(key, allowed))),
        }
        Ok(())
    });
    out
}

/// Reads `#[cio(...)]` on a field (`rename`, `skip`) or variant (`rename`).
pub(crate) fn member(attrs: &[Attribute], allowed: &[&str], errors: &mut Errors) -> MemberAttrs {
    let mut out = MemberAttrs::default();
    each_key(attrs, allowed, errors, |key, meta| {
        match key {
            "rename" => out.rename = Some(meta.value()?.parse()?),
            "skip" => out.skip = true,
            _ => return Err(meta.error(unknown_key(key, allowed))),
        }
        Ok(())
    });
    out
}

/// Calls `read` with every key of every `#[cio(...)]` in `attrs` that `allowed`
/// lists; any other key, and any error `read` returns, goes to `errors`.
fn each_key(
    attrs: &[Attribute],
    allowed: &[&str],
    errors: &mut Errors,
    mut read: impl FnMut(&str, ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("cio")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                return Err(meta.error(unknown_key(&key, allowed)));
            }
            read(&key, meta)
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
}

fn unknown_key(key: &str, allowed: &[&str]) -> String {
    let list = allowed
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match cio_schema::suggest::did_you_mean(key, allowed.iter().copied()) {
        Some(near) => format!("unknown cio attribute `{key}`; did you mean `{near}`?"),
        None => format!("unknown cio attribute `{key}`; expected one of {list}"),
    }
}
