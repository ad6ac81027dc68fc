//! The reads a `default` filter guards: `{{ customer.company | default: "you" }}`
//! must render the default when the profile has no `company`, where the strict
//! `liquid` crate would report an unknown index before the filter runs. Only these
//! paths are filled with `nil` when missing; an unguarded read of a missing value
//! stays an error.

use liquid::model::Value;

/// A path read through `default`, from its root object: `["customer", "company"]`.
pub(super) type Guarded = Vec<String>;

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Every `ROOT.a.b | default` of the `sources`, for each root object in `roots`
/// (`customer`, `event`, `trigger`), each path once.
pub(super) fn guarded<'a>(
    sources: impl IntoIterator<Item = &'a str>,
    roots: &[&str],
) -> Vec<Guarded> {
    let mut out: Vec<Guarded> = Vec::new();
    for source in sources {
        for root in roots {
            guarded_in(source, root, &mut out);
        }
    }
    out
}

/// The `root.a.b | default` reads of `source`, added to `out` when new.
fn guarded_in(source: &str, root: &str, out: &mut Vec<Guarded>) {
    let bytes = source.as_bytes();
    let name = format!("{root}.");
    let mut from = 0;
    while let Some(found) = source[from..].find(&name) {
        let start = from + found;
        from = start + name.len();
        if start > 0 && (is_ident(bytes[start - 1]) || bytes[start - 1] == b'.') {
            continue;
        }
        let mut path = vec![root.to_string()];
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
        if &rest[..filter_end] == "default" && path.len() > 1 && !out.contains(&path) {
            out.push(path);
        }
    }
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
            [
                "{{ customer.company | default: 'x' }} {{ event.meta.plan|default }} \
                 {{ customer.first_name }} {{ xcustomer.a | default }} {{ event.a | upcase | default }}",
                "{{ customer.company | default: 'y' }} {{ trigger.device | default: 'z' }}",
            ],
            &["customer", "event"],
        );
        assert_eq!(
            found,
            vec![
                vec!["customer".to_string(), "company".into()],
                vec!["event".to_string(), "meta".into(), "plan".into()],
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
