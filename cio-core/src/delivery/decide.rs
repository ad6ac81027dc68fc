//! [`decide`]: what becomes of each operation of a batch after one attempt. The
//! pipeline and the outbox relay read every answer through it, so they retry, give
//! up and split on the same grounds.

use std::collections::HashMap;
use std::time::Duration;

use crate::delivery::sink::{ItemError, SendOutcome, UNKNOWN_REASON_ATTEMPTS};

/// What becomes of one operation after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Customer.io accepted it.
    Delivered,
    /// Send it again (after `retry_after` when the server asked for a wait), within
    /// the retry policy.
    Retry {
        error: String,
        retry_after: Option<Duration>,
    },
    /// Refused for a reason that affects every request (credentials, region): no
    /// retry budget applies. The relay keeps the row until it is fixed; the pipeline,
    /// which has nowhere durable to keep it, reports it as failed.
    Hold { error: String },
    /// It can never be delivered as it is.
    GiveUp(GiveUp),
}

/// Why an operation is given up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// A 207 named it invalid (or refused it too often for a reason this build does
    /// not know).
    Invalid {
        reason: String,
        field: Option<String>,
        message: String,
    },
    /// The request holding it alone was refused (400, 413).
    Refused(String),
}

impl std::fmt::Display for GiveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GiveUp::Invalid {
                reason,
                field,
                message,
            } => write!(f, "{reason} {}: {message}", field.as_deref().unwrap_or("")),
            GiveUp::Refused(error) => f.write_str(error),
        }
    }
}

/// The decision for a whole attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// One decision per operation, in the batch's order.
    Each(Vec<Decision>),
    /// The batch was refused as a whole for a reason one operation may cause (400,
    /// 413): send its halves alone, to isolate it.
    Split,
}

/// Decides each operation of a batch of `attempts.len()` after `outcome`;
/// `attempts[i]` counts the attempts of operation `i`, this one included.
pub(crate) fn decide(outcome: SendOutcome, attempts: &[u32]) -> Verdict {
    let len = attempts.len();
    let each = |decision: Decision| Verdict::Each(vec![decision; len]);
    match outcome {
        SendOutcome::Accepted => each(Decision::Delivered),
        SendOutcome::Transient { retry_after, error } => {
            each(Decision::Retry { error, retry_after })
        }
        SendOutcome::Rejected {
            item_specific: true,
            ..
        } if len > 1 => Verdict::Split,
        SendOutcome::Rejected {
            error,
            item_specific: true,
        } => each(Decision::GiveUp(GiveUp::Refused(error))),
        SendOutcome::Rejected { error, .. } => each(Decision::Hold { error }),
        SendOutcome::Partial { errors, ambiguity } => {
            Verdict::Each(partial(errors, ambiguity, attempts))
        }
    }
}

/// A 207: the operations it names failed, the others were accepted, unless the
/// answer cannot be trusted to name every failed one (then those are sent again).
fn partial(
    errors: Vec<ItemError>,
    mut ambiguity: Option<String>,
    attempts: &[u32],
) -> Vec<Decision> {
    let len = attempts.len();
    if let Some(error) = errors.iter().find(|error| error.index >= len) {
        ambiguity.get_or_insert_with(|| {
            format!(
                "the 207 answer names item {} of a batch of {len}",
                error.index
            )
        });
    }
    // An operation named twice: a permanent reason wins over a transient one.
    let mut by_index: HashMap<usize, ItemError> = HashMap::new();
    for error in errors {
        match by_index.get(&error.index) {
            Some(known) if !known.transient => {}
            _ => {
                by_index.insert(error.index, error);
            }
        }
    }
    attempts
        .iter()
        .enumerate()
        .map(|(index, &attempts)| match by_index.remove(&index) {
            None => match &ambiguity {
                Some(why) => Decision::Retry {
                    error: why.clone(),
                    retry_after: None,
                },
                None => Decision::Delivered,
            },
            Some(error)
                if !error.transient || (error.unknown && attempts >= UNKNOWN_REASON_ATTEMPTS) =>
            {
                Decision::GiveUp(GiveUp::Invalid {
                    reason: error.reason,
                    field: error.field,
                    message: error.message,
                })
            }
            Some(error) => Decision::Retry {
                error: format!("{}: {}", error.reason, error.message),
                retry_after: None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(index: usize, reason: &str, transient: bool, unknown: bool) -> ItemError {
        ItemError {
            index,
            transient,
            unknown,
            reason: reason.to_owned(),
            field: None,
            message: "m".to_owned(),
        }
    }

    #[test]
    fn a_whole_request_refusal_holds_and_an_item_refusal_splits() {
        let refused = |item_specific| SendOutcome::Rejected {
            error: "401".into(),
            item_specific,
        };
        assert_eq!(decide(refused(true), &[1, 1]), Verdict::Split);
        assert!(matches!(
            decide(refused(true), &[1]),
            Verdict::Each(d) if matches!(d[..], [Decision::GiveUp(GiveUp::Refused(_))])
        ));
        assert!(matches!(
            decide(refused(false), &[1, 1]),
            Verdict::Each(d) if d.iter().all(|d| matches!(d, Decision::Hold { .. }))
        ));
    }

    #[test]
    fn a_207_delivers_the_others_unless_it_is_ambiguous() {
        let outcome = SendOutcome::Partial {
            errors: vec![
                item(1, "invalid", false, false),
                item(2, "timeout", true, false),
            ],
            ambiguity: None,
        };
        let Verdict::Each(d) = decide(outcome, &[1, 1, 1, 1]) else {
            panic!("not split")
        };
        assert_eq!(d[0], Decision::Delivered);
        assert!(matches!(d[1], Decision::GiveUp(GiveUp::Invalid { .. })));
        assert!(matches!(d[2], Decision::Retry { .. }));
        assert_eq!(d[3], Decision::Delivered);
        // An index outside the batch: the unnamed ones are not known to be accepted.
        let outcome = SendOutcome::Partial {
            errors: vec![item(9, "invalid", false, false)],
            ambiguity: None,
        };
        let Verdict::Each(d) = decide(outcome, &[1, 1]) else {
            panic!("not split")
        };
        assert!(d.iter().all(|d| matches!(d, Decision::Retry { .. })));
    }

    #[test]
    fn an_unknown_reason_is_retried_a_bounded_number_of_times() {
        let outcome = |attempts| {
            let outcome = SendOutcome::Partial {
                errors: vec![item(0, "brand_new_reason", true, true)],
                ambiguity: None,
            };
            decide(outcome, &[attempts])
        };
        assert!(matches!(outcome(1), Verdict::Each(d) if matches!(d[0], Decision::Retry { .. })));
        assert!(matches!(
            outcome(UNKNOWN_REASON_ATTEMPTS),
            Verdict::Each(d) if matches!(d[0], Decision::GiveUp(_))
        ));
    }
}
