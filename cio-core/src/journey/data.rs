//! The campaigns and messages of `events.toml` as static data: what
//! `cio::taxonomy!()` writes into `taxonomy::JOURNEYS`, so that nothing is read from
//! disk at run time.

/// Every campaign and message that `events.toml` declares.
///
/// `cio::taxonomy!()` generates one as `taxonomy::JOURNEYS`; a
/// [`Simulation`](crate::journey::Simulation) runs them.
///
/// ```
/// use cio_core::journey::{Campaign, Channel, Journeys, Message, Step};
///
/// static JOURNEYS: Journeys = Journeys {
///     campaigns: &[Campaign {
///         name: "onboarding",
///         trigger: "signed_up",
///         steps: &[Step::Wait(300), Step::Send("welcome")],
///     }],
///     messages: &[Message {
///         name: "welcome",
///         channel: Channel::Email,
///         subject: Some("Welcome, {{ customer.first_name }}!"),
///         body: "Hi!",
///     }],
/// };
/// assert_eq!(JOURNEYS.message("welcome").map(|m| m.channel), Some(Channel::Email));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Journeys {
    /// The campaigns (`[campaigns.NAME]`), in declaration order.
    pub campaigns: &'static [Campaign],
    /// The messages (`[messages.NAME]`), in declaration order.
    pub messages: &'static [Message],
}

impl Journeys {
    /// No campaigns and no messages.
    pub const EMPTY: Journeys = Journeys {
        campaigns: &[],
        messages: &[],
    };

    /// The campaign named `name`, if declared.
    pub fn campaign(&self, name: &str) -> Option<&'static Campaign> {
        self.campaigns.iter().find(|c| c.name == name)
    }

    /// The message named `name`, if declared.
    pub fn message(&self, name: &str) -> Option<&'static Message> {
        self.messages.iter().find(|m| m.name == name)
    }

    /// The campaigns that the event `event` triggers.
    pub fn triggered_by<'a>(&self, event: &'a str) -> impl Iterator<Item = &'static Campaign> + 'a {
        self.campaigns.iter().filter(move |c| c.trigger == event)
    }
}

/// The prefix of [`Campaign::trigger`] for a campaign that a person's relationship to
/// an object starts: `relationship_added:company` (`trigger = { relationship_added =
/// "company" }` in `events.toml`), what [`Simulation::relate`] tracks.
///
/// [`Simulation::relate`]: crate::journey::Simulation::relate
pub const RELATIONSHIP_ADDED: &str = "relationship_added:";

/// A campaign: the event that starts it and its workflow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Campaign {
    /// The campaign's name.
    pub name: &'static str,
    /// The event whose tracking starts a journey through it, or
    /// [`RELATIONSHIP_ADDED`] and an object type's name for one a relationship
    /// starts.
    pub trigger: &'static str,
    /// The workflow, run from the first step.
    pub steps: &'static [Step],
}

/// One step of a workflow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// `{ wait = "5m" }`: the journey pauses this many seconds.
    Wait(u64),
    /// `{ send = "welcome" }`: the message of that name is rendered and delivered.
    Send(&'static str),
    /// `{ if = "...", then = [...], else = [...] }`: the condition, evaluated when the
    /// step is reached, picks the steps run next (`then`, or `else`); the journey then
    /// continues after the branch.
    Branch(&'static Condition, &'static [Step], &'static [Step]),
}

/// A branch condition, as `events.toml` writes it in `if`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// `customer.x` or `event.x`: the value is present and neither `false` nor `null`.
    Truthy(Path),
    /// `customer.plan == "pro"`.
    Compare(Path, CompareOp, Literal),
    /// `performed EVENT`: the person performed the event since the journey's trigger.
    Performed(&'static str),
    /// `not C`.
    Not(&'static Condition),
    /// `A and B`.
    And(&'static Condition, &'static Condition),
    /// `A or B`.
    Or(&'static Condition, &'static Condition),
}

/// A value a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// `customer.NAME`: the profile attribute, as it is when the step is reached.
    Customer(&'static str),
    /// `event.NAME`: the data field of the event that triggered the journey.
    Event(&'static str),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    /// `"pro"`
    String(&'static str),
    /// `3`, `4.5`
    Number(f64),
    /// `true`, `false`
    Bool(bool),
}

/// A message: its channel and its Liquid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// The message's name.
    pub name: &'static str,
    /// The channel it is sent on.
    pub channel: Channel,
    /// The subject's Liquid source (email subject, push title), if any.
    pub subject: Option<&'static str>,
    /// The body's Liquid source (inline, or the template file's contents).
    pub body: &'static str,
}

/// The channel a message is sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Email.
    Email,
    /// SMS.
    Sms,
    /// Push notification.
    Push,
    /// In-app message.
    InApp,
    /// Webhook.
    Webhook,
    /// Slack message.
    Slack,
}

impl Channel {
    /// The channel as `events.toml` writes it (`email`, `in_app`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
            Channel::InApp => "in_app",
            Channel::Webhook => "webhook",
            Channel::Slack => "slack",
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
