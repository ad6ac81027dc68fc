//! The reads a `default` filter guards: `{{ customer.company | default: "you" }}`
//! must render the default when the profile has no `company`, where the strict
//! `liquid` crate would report an unknown index before the filter runs. Only these
//! paths are filled with `nil` when missing; an unguarded read of a missing value
//! stays an error.

use liquid::model::Value;

/// `customer.*` or `event.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Root {
    Customer,
    Event,
}

/// A path read through `default`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Guarded {
    pub(super) root: Root,
    pub(super) path: Vec<String>,
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Every `customer.a.b | default` and `event.a | default` of `source`.
pub(super) fn guarded(source: &str) -> Vec<Guarded> {
    let bytes = source.as_bytes();
    let mut out: Vec<Guarded> = Vec::new();
    for (root, name) in [(Root::Customer, "customer."), (Root::Event, "event.")] {
        let mut from = 0;
        while let Some(found) = source[from..].find(name) {
            let start = from + found;
            from = start + name.len();
            if start > 0 && (is_ident(bytes[start - 1]) || bytes[start - 1] == b'.') {
                continue;
            }
            let mut path = Vec::new();
            let mut i = from;
            loop {
                let begin = i;
                while i < bytes.len() && is_ident(bytes[i]) {
                    i += 1;
                }
                if i == begin {
                    break;
                }
                path.push(source[begin..i].to_string());
                if i < bytes.len() && bytes[i] == b'.' {
                    i += 1;
                } else {
                    break;
                }
            }
            let rest = source[i..].trim_start();
            let Some(rest) = rest.strip_prefix('|') else {
                continue;
            };
            let rest = rest.trim_start();
            let filter_end = rest.bytes().take_while(|b| is_ident(*b)).count();
            if &rest[..filter_end] == "default" && !path.is_empty() {
                let guard = Guarded { root, path };
                if !out.contains(&guard) {
                    out.push(guard);
                }
            }
        }
    }
    out
}

/// Puts `nil` at `path` in `object` where it is missing (creating the objects on
/// the way); a value that is there, or a non-object on the way, is left alone.
pub(super) fn fill(object: &mut liquid::Object, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key: liquid::model::KString = first.clone().into();
    if rest.is_empty() {
        object.entry(key).or_insert(Value::Nil);
        return;
    }
    let entry = object
        .entry(key)
        .or_insert_with(|| Value::Object(liquid::Object::new()));
    if let Value::Object(inner) = entry {
        fill(inner, rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_default_guarded_paths_only() {
        let found = guarded(
            "{{ customer.company | default: 'x' }} {{ event.meta.plan|default }} \
             {{ customer.first_name }} {{ xcustomer.a | default }} {{ event.a | upcase | default }}",
        );
        assert_eq!(
            found,
            vec![
                Guarded {
                    root: Root::Customer,
                    path: vec!["company".into()]
                },
                Guarded {
                    root: Root::Event,
                    path: vec!["meta".into(), "plan".into()]
                },
            ]
        );
    }

    #[test]
    fn fills_missing_paths_with_nil() {
        let mut object = liquid::object!({ "a": 1, "s": "text" });
        fill(&mut object, &["b".into()]);
        fill(&mut object, &["c".into(), "d".into()]);
        fill(&mut object, &["a".into()]);
        fill(&mut object, &["s".into(), "x".into()]);
        assert_eq!(
            object,
            liquid::object!({ "a": 1, "s": "text", "b": nil, "c": { "d": nil } })
        );
    }
}
