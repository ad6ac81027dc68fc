//! [`BranchTaken`]: which way an `if` of a workflow went, named by where the `if`
//! stands, so that a coverage report can point at it in `events.toml`; and
//! [`StepTaken`]: each step one journey ran, with how each `if` was decided.

use serde_json::Value;

use super::data::Step;
use crate::Timestamp;

/// A branch a journey took: the `if` at `step` of `campaign`, and whether its
/// condition held (`then`) or not (`else`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BranchTaken {
    /// The campaign's name.
    pub campaign: &'static str,
    /// Where the `if` stands: see [`step_path`].
    pub step: String,
    /// Whether the condition held (the `then` steps ran) or not (the `else` steps).
    pub held: bool,
}

/// A step one journey ran, as [`JourneyView::trail`](super::JourneyView::trail)
/// lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepTaken {
    /// Where the step stands in the campaign: see [`step_path`].
    pub step: String,
    /// When it ran (for a `wait`, when the wait began).
    pub time: Timestamp,
    /// For an `if`, how it was decided; `None` for a `wait` or a `send`.
    pub decision: Option<Decision>,
}

/// How an `if` was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the condition held (the `then` steps ran) or not (the `else` steps).
    pub held: bool,
    /// What the condition read, in the order it is written, each once:
    /// `customer.NAME` and `event.NAME` with their value then (`null` when absent),
    /// `performed EVENT` with `true` or `false`.
    pub read: Vec<(String, Value)>,
}

/// The path of `target` in `steps`: its index from 0, preceded for a step inside a
/// branch by the branch's path and `then` or `else` (`3`, `7.else.0`). `None` when
/// `target` is not one of these steps (compared by address).
pub fn step_path(steps: &'static [Step], target: &Step) -> Option<String> {
    for (index, step) in steps.iter().enumerate() {
        if std::ptr::eq(step, target) {
            return Some(index.to_string());
        }
        if let Step::Branch(_, then, otherwise) = step {
            for (side, inner) in [("then", then), ("else", otherwise)] {
                if let Some(rest) = step_path(inner, target) {
                    return Some(format!("{index}.{side}.{rest}"));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::{Condition, Path};

    static INNER: [Step; 2] = [Step::Wait(1), Step::Send("nudge")];
    static STEPS: [Step; 3] = [
        Step::Wait(1),
        Step::Send("welcome"),
        Step::Branch(&Condition::Truthy(Path::Customer("verified")), &[], &INNER),
    ];

    #[test]
    fn paths_count_from_zero_through_branches() {
        assert_eq!(step_path(&STEPS, &STEPS[2]).as_deref(), Some("2"));
        assert_eq!(step_path(&STEPS, &INNER[1]).as_deref(), Some("2.else.1"));
        assert_eq!(step_path(&STEPS, &Step::Wait(1)), None);
    }
}
