//! What `events.toml` declares that the emulators never saw: each gap with the place
//! of its declaration.

use cio_emulator::Coverage;
use cio_schema::{AppMessage, AppMessageId, Span, Step, Taxonomy};

/// What kind of declaration a gap is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `[events.NAME]`, never sent.
    Event,
    /// `[messages.NAME]`, never delivered and rendered by a journey.
    Message,
    /// `[transactional.NAME]`, never sent.
    Transactional,
    /// `[broadcasts.NAME]`, never triggered.
    Broadcast,
    /// One way of an `if` of a campaign, never taken.
    Branch,
}

impl Kind {
    /// The name `--format json` gives it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Message => "message",
            Kind::Transactional => "transactional",
            Kind::Broadcast => "broadcast",
            Kind::Branch => "branch",
        }
    }
}

/// One declaration never exercised.
#[derive(Debug, Clone)]
pub(crate) struct Gap {
    /// What it is.
    pub(crate) kind: Kind,
    /// Its name (for a branch, the campaign's).
    pub(crate) name: String,
    /// The sentence said about it.
    pub(crate) message: String,
    /// Where it is declared.
    pub(crate) span: Span,
}

/// How many of one kind are declared, and how many of them were exercised.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
    /// Declared in `events.toml`.
    pub(crate) declared: usize,
    /// Seen by an emulator.
    pub(crate) exercised: usize,
}

/// The comparison of a taxonomy with what the emulators saw.
#[derive(Debug, Default)]
pub(crate) struct Comparison {
    /// The gaps, in declaration order: events, messages, transactional messages,
    /// broadcasts, then branches.
    pub(crate) gaps: Vec<Gap>,
    /// Events.
    pub(crate) events: Tally,
    /// The journeys' messages.
    pub(crate) messages: Tally,
    /// Transactional messages.
    pub(crate) transactional: Tally,
    /// Broadcasts.
    pub(crate) broadcasts: Tally,
    /// The ways of the campaigns' `if`s (two per `if`).
    pub(crate) branches: Tally,
}

impl Comparison {
    /// Compares `taxonomy` with `seen`, whose journeys' part counts when it comes
    /// from these journeys (`journeys`: their coverage id).
    pub(crate) fn new(taxonomy: &Taxonomy, seen: &Coverage, journeys: &str) -> Self {
        let mut c = Comparison::default();
        let ran = seen.of_journeys(journeys);
        for event in &taxonomy.events {
            let name = &event.name;
            c.events.count(
                seen.events.contains(&name.value),
                || Gap {
                    kind: Kind::Event,
                    name: name.value.clone(),
                    message: format!("event `{}` was never sent", name.value),
                    span: name.span,
                },
                &mut c.gaps,
            );
        }
        for message in &taxonomy.messages {
            let name = &message.name;
            c.messages.count(
                ran.messages.contains(&name.value),
                || Gap {
                    kind: Kind::Message,
                    name: name.value.clone(),
                    message: format!("message `{}` was never rendered by a journey", name.value),
                    span: name.span,
                },
                &mut c.gaps,
            );
        }
        for message in &taxonomy.transactional {
            let sent = seen.transactional.contains(&message.name.value)
                || seen.transactional.contains(&id_text(message));
            c.transactional.count(
                sent,
                || app_gap(message, Kind::Transactional, "sent"),
                &mut c.gaps,
            );
        }
        for broadcast in &taxonomy.broadcasts {
            let triggered = match &broadcast.id {
                AppMessageId::Number(id) => seen.broadcasts.contains(id),
                AppMessageId::Text(_) => false,
            };
            c.broadcasts.count(
                triggered,
                || app_gap(broadcast, Kind::Broadcast, "triggered"),
                &mut c.gaps,
            );
        }
        for campaign in &taxonomy.campaigns {
            let mut ifs = Vec::new();
            branches(&campaign.steps, "", &mut ifs);
            for (path, span) in ifs {
                for (held, never) in [
                    (true, "never held (its `then` was never taken)"),
                    (false, "always held (its `else` was never taken)"),
                ] {
                    let taken = ran.branches.iter().any(|b| {
                        b.campaign == campaign.name.value && b.step == path && b.held == held
                    });
                    c.branches.count(
                        taken,
                        || Gap {
                            kind: Kind::Branch,
                            name: campaign.name.value.clone(),
                            message: format!(
                                "campaign `{}`: this condition {never}",
                                campaign.name.value
                            ),
                            span,
                        },
                        &mut c.gaps,
                    );
                }
            }
        }
        c
    }

    /// Whether every declared event and message was exercised (and every branch
    /// taken, with `branches`).
    pub(crate) fn complete(&self, branches: bool) -> bool {
        self.gaps
            .iter()
            .all(|gap| gap.kind == Kind::Branch && !branches)
    }
}

impl Tally {
    /// Counts one declaration; a gap when it was not exercised.
    fn count(&mut self, exercised: bool, gap: impl FnOnce() -> Gap, gaps: &mut Vec<Gap>) {
        self.declared += 1;
        if exercised {
            self.exercised += 1;
        } else {
            gaps.push(gap());
        }
    }
}

/// The id of a transactional message as the emulator notes it.
fn id_text(message: &AppMessage) -> String {
    match &message.id {
        AppMessageId::Number(n) => n.to_string(),
        AppMessageId::Text(text) => text.clone(),
    }
}

fn app_gap(message: &AppMessage, kind: Kind, verb: &str) -> Gap {
    Gap {
        kind,
        name: message.name.value.clone(),
        message: format!("{} was never {verb}", message.describe()),
        span: message.name.span,
    }
}

/// Every `if` of `steps` with its path, as `cio_core::journey::step_path` writes it
/// (`3`, `7.else.0`), and the place of its condition.
fn branches(steps: &[Step], prefix: &str, out: &mut Vec<(String, Span)>) {
    for (index, step) in steps.iter().enumerate() {
        if let Step::Branch {
            span,
            then,
            otherwise,
            ..
        } = step
        {
            let path = format!("{prefix}{index}");
            out.push((path.clone(), *span));
            branches(then, &format!("{path}.then."), out);
            branches(otherwise, &format!("{path}.else."), out);
        }
    }
}
