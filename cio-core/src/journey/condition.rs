//! Evaluating a branch condition against a person at the moment the step is reached.

use serde_json::{Map, Value};

use super::data::{CompareOp, Condition, Literal, Path};

/// What a condition can read: the profile now, the trigger's data, and whether an
/// event was performed since the trigger.
pub(super) struct Facts<'a> {
    /// The profile's attributes when the step is reached.
    pub(super) customer: &'a Map<String, Value>,
    /// The data of the event that started the journey.
    pub(super) event: &'a Map<String, Value>,
    /// Whether the person performed the named event since the trigger.
    pub(super) performed: &'a dyn Fn(&str) -> bool,
}

impl Facts<'_> {
    fn read(&self, path: &Path) -> Option<&Value> {
        match path {
            Path::Customer(name) => self.customer.get(*name),
            Path::Event(name) => self.event.get(*name),
        }
        .filter(|v| !v.is_null())
    }
}

/// Whether `condition` holds for these facts.
pub(super) fn holds(condition: &Condition, facts: &Facts<'_>) -> bool {
    match condition {
        Condition::Truthy(path) => facts.read(path).is_some_and(truthy),
        Condition::Compare(path, op, literal) => match facts.read(path) {
            Some(value) => compare(value, *op, literal),
            // An absent attribute equals nothing and differs from everything.
            None => *op == CompareOp::Ne,
        },
        Condition::Performed(event) => (facts.performed)(event),
        Condition::Not(inner) => !holds(inner, facts),
        Condition::And(a, b) => holds(a, facts) && holds(b, facts),
        Condition::Or(a, b) => holds(a, facts) || holds(b, facts),
    }
}

/// What `condition` reads from these facts, in the order it is written, each once:
/// `customer.NAME` or `event.NAME` with the value (`null` when absent), `performed
/// EVENT` with whether it was.
pub(super) fn reads(condition: &Condition, facts: &Facts<'_>) -> Vec<(String, Value)> {
    fn walk(condition: &Condition, facts: &Facts<'_>, out: &mut Vec<(String, Value)>) {
        let (name, value) = match condition {
            Condition::Truthy(path) | Condition::Compare(path, ..) => (
                match path {
                    Path::Customer(name) => format!("customer.{name}"),
                    Path::Event(name) => format!("event.{name}"),
                },
                facts.read(path).cloned().unwrap_or(Value::Null),
            ),
            Condition::Performed(event) => (
                format!("performed {event}"),
                Value::Bool((facts.performed)(event)),
            ),
            Condition::Not(inner) => return walk(inner, facts, out),
            Condition::And(a, b) | Condition::Or(a, b) => {
                walk(a, facts, out);
                return walk(b, facts, out);
            }
        };
        if !out.iter().any(|(seen, _)| *seen == name) {
            out.push((name, value));
        }
    }
    let mut out = Vec::new();
    walk(condition, facts, &mut out);
    out
}

/// Liquid's truthiness, which Customer.io's "exists and is true" follows: only
/// `false` and `null` (or absence) are false.
fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Bool(false) | Value::Null)
}

fn compare(value: &Value, op: CompareOp, literal: &Literal) -> bool {
    use std::cmp::Ordering;
    let ordering: Option<Ordering> = match (value, literal) {
        (Value::Number(n), Literal::Number(b)) => n.as_f64().and_then(|a| a.partial_cmp(b)),
        // Numbers sent as text ("42") compare as numbers, as Customer.io's
        // segment conditions do.
        (Value::String(s), Literal::Number(b)) => {
            s.trim().parse::<f64>().ok().and_then(|a| a.partial_cmp(b))
        }
        (Value::String(a), Literal::String(b)) => Some(a.as_str().cmp(b)),
        (Value::Number(n), Literal::String(b)) => Some(n.to_string().as_str().cmp(b)),
        (Value::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Literal::String(b)) => Some(a.to_string().as_str().cmp(b)),
        _ => None,
    };
    match (op, ordering) {
        (CompareOp::Ne, None) => true,
        (_, None) => false,
        (CompareOp::Eq, Some(o)) => o == Ordering::Equal,
        (CompareOp::Ne, Some(o)) => o != Ordering::Equal,
        (CompareOp::Lt, Some(o)) => o == Ordering::Less,
        (CompareOp::Gt, Some(o)) => o == Ordering::Greater,
        (CompareOp::Le, Some(o)) => o != Ordering::Greater,
        (CompareOp::Ge, Some(o)) => o != Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts<'a>(customer: &'a Map<String, Value>, event: &'a Map<String, Value>) -> Facts<'a> {
        Facts {
            customer,
            event,
            performed: &|name| name == "done",
        }
    }

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn truthiness_comparisons_and_logic() {
        let customer =
            map(json!({"verified": false, "plan": "pro", "mrr": 49.5, "n": "3", "gone": null}));
        let event = map(json!({"method": "google"}));
        let f = facts(&customer, &event);
        static PRO: Condition = Condition::Compare(
            Path::Customer("plan"),
            CompareOp::Eq,
            Literal::String("pro"),
        );
        static RICH: Condition =
            Condition::Compare(Path::Customer("mrr"), CompareOp::Gt, Literal::Number(40.0));
        static VERIFIED: Condition = Condition::Truthy(Path::Customer("verified"));
        assert!(holds(&PRO, &f));
        assert!(holds(&RICH, &f));
        assert!(!holds(&VERIFIED, &f));
        assert!(holds(&Condition::Not(&VERIFIED), &f));
        assert!(holds(&Condition::And(&PRO, &RICH), &f));
        assert!(holds(&Condition::Or(&VERIFIED, &PRO), &f));
        assert!(!holds(&Condition::And(&VERIFIED, &PRO), &f));
        assert!(holds(&Condition::Truthy(Path::Event("method")), &f));
        assert!(!holds(&Condition::Truthy(Path::Customer("gone")), &f));
        assert!(!holds(&Condition::Truthy(Path::Customer("missing")), &f));
        assert!(holds(
            &Condition::Compare(Path::Customer("n"), CompareOp::Ge, Literal::Number(3.0)),
            &f
        ));
        assert!(holds(
            &Condition::Compare(
                Path::Customer("missing"),
                CompareOp::Ne,
                Literal::String("x")
            ),
            &f
        ));
        assert!(!holds(
            &Condition::Compare(
                Path::Customer("missing"),
                CompareOp::Eq,
                Literal::String("x")
            ),
            &f
        ));
        assert!(!holds(
            &Condition::Compare(
                Path::Customer("missing"),
                CompareOp::Lt,
                Literal::Number(1.0)
            ),
            &f
        ));
        assert!(holds(&Condition::Performed("done"), &f));
        assert!(!holds(&Condition::Performed("other"), &f));
    }

    #[test]
    fn reads_name_each_value_once_in_order() {
        let customer = map(json!({"plan": "pro", "verified": false}));
        let event = map(json!({}));
        let f = facts(&customer, &event);
        static PRO: Condition = Condition::Compare(
            Path::Customer("plan"),
            CompareOp::Eq,
            Literal::String("pro"),
        );
        static VERIFIED: Condition = Condition::Truthy(Path::Customer("verified"));
        static METHOD: Condition = Condition::Truthy(Path::Event("method"));
        static EITHER: Condition = Condition::Or(&VERIFIED, &METHOD);
        static ALL: Condition = Condition::And(&PRO, &EITHER);
        static DONE: Condition = Condition::And(&Condition::Performed("done"), &PRO);
        assert_eq!(
            reads(&Condition::Not(&ALL), &f),
            [
                ("customer.plan".to_owned(), json!("pro")),
                ("customer.verified".to_owned(), json!(false)),
                ("event.method".to_owned(), Value::Null),
            ]
        );
        assert_eq!(
            reads(&Condition::Or(&DONE, &PRO), &f),
            [
                ("performed done".to_owned(), json!(true)),
                ("customer.plan".to_owned(), json!("pro")),
            ]
        );
    }
}
