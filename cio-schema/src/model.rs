//! The typed model of a validated `events.toml`.
//!
//! Every name keeps the byte range it came from ([`Span`]) so that later checks
//! (Liquid analysis, derive checks) can still point at `events.toml:LINE:COL`.
//! Collections keep declaration order, which is also the order of generated code.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// A byte range in the source text of `events.toml` (or of a template file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (clamped so that `start <= end`).
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }
}

/// A name as written in `events.toml`, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The name exactly as declared (the wire name).
    pub value: String,
    /// Where the name stands in `events.toml`.
    pub span: Span,
}

impl Name {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Every name the file declares, including those whose declaration has an error and
/// is therefore missing from the [`Taxonomy`]: a reference to one of them is not
/// reported as unknown (its own error already is).
#[derive(Debug, Clone, Default)]
pub(crate) struct Declared {
    /// `[enums]` names.
    pub(crate) enums: HashSet<String>,
    /// `[events.*]` names.
    pub(crate) events: HashSet<String>,
    /// `[messages.*]` names.
    pub(crate) messages: HashSet<String>,
    /// `[profile]` attribute names.
    pub(crate) attributes: HashSet<String>,
    /// Data field names by event.
    pub(crate) event_fields: HashMap<String, HashSet<String>>,
    /// `[objects.*]` names.
    pub(crate) objects: HashSet<String>,
}

/// A validated taxonomy: everything `events.toml` declares.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    /// Named enums (`[enums]`), in declaration order.
    pub enums: Vec<NamedEnum>,
    /// Profile attributes (`[profile]`), in declaration order.
    pub profile: Vec<Field>,
    /// Events (`[events.NAME]`), in declaration order.
    pub events: Vec<EventDef>,
    /// Campaigns (`[campaigns.NAME]`), in declaration order.
    pub campaigns: Vec<Campaign>,
    /// Messages (`[messages.NAME]`), in declaration order.
    pub messages: Vec<Message>,
    /// Transactional messages (`[transactional.NAME]`), in declaration order.
    pub transactional: Vec<AppMessage>,
    /// API-triggered broadcasts (`[broadcasts.NAME]`), in declaration order.
    pub broadcasts: Vec<AppMessage>,
    /// Manual segments (`[segments]`), in declaration order.
    pub segments: Vec<SegmentDef>,
    /// Object types (`[objects.NAME]`), in declaration order.
    pub objects: Vec<ObjectType>,
    /// Subscription-center topics (`[topics]`), in declaration order.
    pub topics: Vec<TopicDef>,
}

impl Taxonomy {
    /// The event declared under `name`, if any.
    pub fn event(&self, name: &str) -> Option<&EventDef> {
        self.events.iter().find(|e| e.name.value == name)
    }

    /// The named enum declared under `name`, if any.
    pub fn named_enum(&self, name: &str) -> Option<&NamedEnum> {
        self.enums.iter().find(|e| e.name.value == name)
    }

    /// The profile attribute declared under `name`, if any.
    pub fn attribute(&self, name: &str) -> Option<&Field> {
        self.profile.iter().find(|f| f.name.value == name)
    }

    /// The message declared under `name`, if any.
    pub fn message(&self, name: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.name.value == name)
    }

    /// The object type declared under `name`, if any.
    pub fn object(&self, name: &str) -> Option<&ObjectType> {
        self.objects.iter().find(|o| o.name.value == name)
    }

    /// The fields typed `timestamp`, as paths, in declaration order: `customer.NAME`
    /// for a profile attribute, `EVENT.NAME` for an event's data field and
    /// `objects.TYPE.NAME` for an object type's attribute (`taxonomy::TIMESTAMPS`; the
    /// emulator's inbox shows their values as dates).
    pub fn timestamp_paths(&self) -> Vec<String> {
        let timestamp = |f: &&Field| f.ty == FieldType::Timestamp;
        let profile = self
            .profile
            .iter()
            .filter(timestamp)
            .map(|f| format!("customer.{}", f.name.value));
        let events = self.events.iter().flat_map(|e| {
            e.data
                .iter()
                .filter(timestamp)
                .map(move |f| format!("{}.{}", e.name.value, f.name.value))
        });
        let objects = self.objects.iter().flat_map(|o| {
            o.attributes
                .iter()
                .filter(timestamp)
                .map(move |f| format!("objects.{}.{}", o.name.value, f.name.value))
        });
        profile.chain(events).chain(objects).collect()
    }

    /// The campaigns whose trigger is the event `event`.
    pub fn campaigns_triggered_by<'a>(
        &'a self,
        event: &'a str,
    ) -> impl Iterator<Item = &'a Campaign> + 'a {
        self.campaigns
            .iter()
            .filter(move |c| c.trigger_event() == Some(event))
    }

    /// The campaigns that a person's relationship to an object of type `object`
    /// triggers.
    pub fn campaigns_related_to<'a>(
        &'a self,
        object: &'a str,
    ) -> impl Iterator<Item = &'a Campaign> + 'a {
        self.campaigns
            .iter()
            .filter(move |c| c.relationship_object() == Some(object))
    }
}

/// A named enum: `plan = ["free", "pro"]`.
#[derive(Debug, Clone)]
pub struct NamedEnum {
    /// The enum's name (`plan`).
    pub name: Name,
    /// Its values, each sent on the wire as the exact string.
    pub values: Vec<Name>,
    /// Doc text, when the long form `{ values = [...], doc = "..." }` gives one.
    pub doc: Option<String>,
}

/// A data field of an event, or a profile attribute.
#[derive(Debug, Clone)]
pub struct Field {
    /// The wire name.
    pub name: Name,
    /// The declared type (without the optional marker).
    pub ty: FieldType,
    /// `true` when the type ends with `?`.
    pub optional: bool,
    /// Where the type was written (the string or the `type` key's value).
    pub ty_span: Span,
    /// Doc text (`doc = "..."`).
    pub doc: Option<String>,
    /// Lower bound for `int` and `float` (`min = 0`).
    pub min: Option<f64>,
    /// Upper bound for `int` and `float` (`max = 100`).
    pub max: Option<f64>,
    /// Longest allowed value in characters for string-like types (`max_length = 500`).
    pub max_length: Option<u64>,
    /// Deprecation note (`deprecated = "why"`).
    pub deprecated: Option<String>,
    /// `pii = true`: the value is personal data (an email address, a name, free
    /// text). Generated `Debug` impls, `cio-cli docs`, `cio-cli schema` and the emulator's
    /// terminal output treat it as such.
    pub pii: bool,
}

/// A field's type as declared in `events.toml`.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// `string`: any text.
    String,
    /// `email`: an email address (checked before sending).
    Email,
    /// `url`: an absolute URL (checked before sending).
    Url,
    /// `int`: a signed 64-bit integer.
    Int,
    /// `float`: a 64-bit float.
    Float,
    /// `bool`.
    Bool,
    /// `timestamp`: Unix seconds.
    Timestamp,
    /// `object`: a free-form JSON object.
    Object,
    /// `[T]`: a list of `T`.
    List(Box<FieldType>),
    /// A named enum from `[enums]`, by name.
    Enum(String),
    /// An inline enum `{ enum = [...] }` with its values.
    InlineEnum(Vec<Name>),
}

impl FieldType {
    /// The type as written in `events.toml` (`int`, `[string]`, `plan`, `enum`).
    pub fn describe(&self) -> String {
        match self {
            FieldType::String => "string".into(),
            FieldType::Email => "email".into(),
            FieldType::Url => "url".into(),
            FieldType::Int => "int".into(),
            FieldType::Float => "float".into(),
            FieldType::Bool => "bool".into(),
            FieldType::Timestamp => "timestamp".into(),
            FieldType::Object => "object".into(),
            FieldType::List(inner) => format!("[{}]", inner.describe()),
            FieldType::Enum(name) => name.clone(),
            FieldType::InlineEnum(values) => {
                let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
                format!("{{ enum = [{}] }}", values.join(", "))
            }
        }
    }
}

/// An event: `[events.signed_up]`.
#[derive(Debug, Clone)]
pub struct EventDef {
    /// The wire name (`signed_up`).
    pub name: Name,
    /// Doc text.
    pub doc: Option<String>,
    /// Deprecation note: call sites of the generated type warn.
    pub deprecated: Option<String>,
    /// Data fields, in declaration order.
    pub data: Vec<Field>,
}

impl EventDef {
    /// The data field declared under `name`, if any.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.data.iter().find(|f| f.name.value == name)
    }
}

/// A campaign: `[campaigns.onboarding]`.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The campaign's name.
    pub name: Name,
    /// What [`Campaign::trigger_kind`] names: the event that triggers it, or the
    /// object type a relationship to which triggers it. Read it through
    /// [`Campaign::trigger_event`] or [`Campaign::relationship_object`], which tell
    /// the two apart.
    pub trigger: Name,
    /// What starts it: an event, or a relationship to an object.
    pub trigger_kind: TriggerKind,
    /// Doc text.
    pub doc: Option<String>,
    /// Its workflow.
    pub steps: Vec<Step>,
}

/// What starts a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    /// `trigger = "signed_up"`: the person performs the event.
    Event,
    /// `trigger = { relationship_added = "company" }`: the person is related to an
    /// object of the type; its Liquid reads `trigger.company.*` (the object's
    /// attributes) and `trigger.relationship.*` (the relationship's).
    RelationshipAdded,
}

impl Campaign {
    /// The event that triggers the campaign, when an event does.
    pub fn trigger_event(&self) -> Option<&str> {
        match self.trigger_kind {
            TriggerKind::Event => Some(&self.trigger.value),
            TriggerKind::RelationshipAdded => None,
        }
    }

    /// The object type a relationship to which triggers the campaign, when one does.
    pub fn relationship_object(&self) -> Option<&str> {
        match self.trigger_kind {
            TriggerKind::Event => None,
            TriggerKind::RelationshipAdded => Some(&self.trigger.value),
        }
    }

    /// Every message this campaign can send, in workflow order, branches included.
    pub fn sends(&self) -> Vec<&Name> {
        fn walk<'a>(steps: &'a [Step], out: &mut Vec<&'a Name>) {
            for step in steps {
                match step {
                    Step::Wait { .. } => {}
                    Step::Send { message } => out.push(message),
                    Step::Branch {
                        then, otherwise, ..
                    } => {
                        walk(then, out);
                        walk(otherwise, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.steps, &mut out);
        out
    }
}

/// One step of a campaign workflow.
#[derive(Debug, Clone)]
pub enum Step {
    /// `{ wait = "5m" }`.
    Wait {
        /// The delay in seconds.
        seconds: u64,
        /// Where the duration was written.
        span: Span,
    },
    /// `{ send = "welcome" }`.
    Send {
        /// The message sent.
        message: Name,
    },
    /// `{ if = "...", then = [...], else = [...] }` (`then` defaults to continuing).
    Branch {
        /// The condition tested.
        condition: Condition,
        /// Where the condition string was written.
        span: Span,
        /// Steps when the condition holds.
        then: Vec<Step>,
        /// Steps when it does not.
        otherwise: Vec<Step>,
    },
}

/// A branch condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `customer.x` or `event.x`: the value is truthy.
    Truthy(AttributePath),
    /// `customer.plan == "pro"`.
    Compare {
        /// The left-hand side.
        path: AttributePath,
        /// The comparison.
        op: CompareOp,
        /// The right-hand side.
        value: Literal,
    },
    /// `performed first_project_created`.
    Performed(Name),
    /// `not C`.
    Not(Box<Condition>),
    /// `A and B`.
    And(Box<Condition>, Box<Condition>),
    /// `A or B`.
    Or(Box<Condition>, Box<Condition>),
}

/// `customer.x` or `event.x` in a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributePath {
    /// Which object the path reads.
    pub root: PathRoot,
    /// The attribute or data field name.
    pub field: Name,
}

/// The object a path starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRoot {
    /// `customer.*`: profile attributes.
    Customer,
    /// `event.*`: the trigger event's data.
    Event,
}

/// A comparison operator in a condition.
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

impl CompareOp {
    /// The operator as written (`==`, `<=`).
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Gt => ">",
            CompareOp::Le => "<=",
            CompareOp::Ge => ">=",
        }
    }
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `"pro"`
    String(String, Span),
    /// `3`, `4.5`
    Number(f64, Span),
    /// `true`, `false`
    Bool(bool, Span),
}

/// The channel a message is sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// `email` (may have a `subject`).
    Email,
    /// `sms`.
    Sms,
    /// `push` (may have a `subject`, used as the title).
    Push,
    /// `in_app`.
    InApp,
    /// `webhook`.
    Webhook,
    /// `slack`.
    Slack,
}

impl Channel {
    /// The channel as written in `events.toml` (`email`, `in_app`).
    pub fn as_str(self) -> &'static str {
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

/// A message: `[messages.welcome]`.
#[derive(Debug, Clone)]
pub struct Message {
    /// The message's name.
    pub name: Name,
    /// The channel (`email` when not given).
    pub channel: Channel,
    /// The subject template, if any.
    pub subject: Option<Template>,
    /// The body template: inline `body` or loaded from `file`.
    pub body: Template,
    /// Variables allowed without being checked against the taxonomy (the escape
    /// hatch for dynamic lookups): `allow = ["event.items", "customer.*"]`.
    pub allow: Vec<Name>,
}

/// A Liquid template, with where it came from.
#[derive(Debug, Clone)]
pub struct Template {
    /// The template text.
    pub source: String,
    /// Where the text lives.
    pub origin: TemplateOrigin,
}

/// Where a template's text lives.
#[derive(Debug, Clone)]
pub enum TemplateOrigin {
    /// An inline string in `events.toml`; `content_start` is the byte offset of the
    /// string's first character (after the opening quotes) and `span` the whole value.
    Inline {
        /// The TOML value, quotes included.
        span: Span,
        /// Byte offset of the first content character.
        content_start: usize,
    },
    /// A file named by `file = "..."`, relative to `events.toml`.
    File {
        /// The path as written in `events.toml`.
        written: Name,
        /// The resolved path that was read.
        path: PathBuf,
    },
}

/// The channel a transactional message or a broadcast is sent on: those of
/// [`Channel`], and `inbox`. A transactional message is sent by `email`, `push`,
/// `sms`, `in_app` or `inbox`, each its own App API call (`POST /v1/send/email`,
/// ..., `/v1/send/in_app`, `/v1/send/inbox_message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppChannel {
    /// `email` (may have a `subject`).
    Email,
    /// `sms`.
    Sms,
    /// `push` (may have a `subject`, used as the title).
    Push,
    /// `in_app`: an in-app message.
    InApp,
    /// `inbox`: a message for the person's inbox.
    Inbox,
    /// `webhook` (broadcasts only).
    Webhook,
    /// `slack` (broadcasts only).
    Slack,
}

impl AppChannel {
    /// The channel as written in `events.toml` (`email`, `in_app`, `inbox`).
    pub fn as_str(self) -> &'static str {
        match self {
            AppChannel::Email => "email",
            AppChannel::Sms => "sms",
            AppChannel::Push => "push",
            AppChannel::InApp => "in_app",
            AppChannel::Inbox => "inbox",
            AppChannel::Webhook => "webhook",
            AppChannel::Slack => "slack",
        }
    }

    /// `true` for the channels a transactional message can be sent on.
    pub fn is_transactional(self) -> bool {
        matches!(
            self,
            AppChannel::Email
                | AppChannel::Push
                | AppChannel::Sms
                | AppChannel::InApp
                | AppChannel::Inbox
        )
    }
}

/// Which App API call sends an [`AppMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppMessageKind {
    /// `[transactional.NAME]`: `POST /v1/send/{channel}`, to one person.
    Transactional,
    /// `[broadcasts.NAME]`: `POST /v1/campaigns/{id}/triggers`, to an audience.
    Broadcast,
}

/// How Customer.io knows an [`AppMessage`]: its number, or (transactional messages
/// only) its name or string id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppMessageId {
    /// `id = 42`.
    Number(u64),
    /// `id = "password_reset"`.
    Text(String),
}

/// A message sent through the App API with its own data, read in its templates as
/// `{{ trigger.* }}`: `[transactional.password_reset]` or `[broadcasts.product_update]`.
#[derive(Debug, Clone)]
pub struct AppMessage {
    /// The message's name (`password_reset`).
    pub name: Name,
    /// Transactional message or broadcast.
    pub kind: AppMessageKind,
    /// Its id in Customer.io.
    pub id: AppMessageId,
    /// Where the id was written.
    pub id_span: Span,
    /// The channel (`email` when not given).
    pub channel: AppChannel,
    /// Doc text.
    pub doc: Option<String>,
    /// The data it is sent with (`message_data` or the broadcast's `data`).
    pub data: Vec<Field>,
    /// The subject template, if declared here.
    pub subject: Option<Template>,
    /// The body template (inline `body` or `file`), if declared here.
    pub body: Option<Template>,
}

impl AppMessage {
    /// `transactional message` or `broadcast`, for messages.
    pub fn describe(&self) -> String {
        match self.kind {
            AppMessageKind::Transactional => format!("transactional message `{}`", self.name.value),
            AppMessageKind::Broadcast => format!("broadcast `{}`", self.name.value),
        }
    }

    /// The data field declared under `name`, if any.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.data.iter().find(|f| f.name.value == name)
    }
}

/// A manual segment: `beta_testers = 7` in `[segments]`.
#[derive(Debug, Clone)]
pub struct SegmentDef {
    /// The segment's name (`beta_testers`).
    pub name: Name,
    /// Its id in Customer.io.
    pub id: u64,
    /// Doc text (long form `{ id = 7, doc = "..." }`).
    pub doc: Option<String>,
}

/// An object type: `[objects.company]`. A person is related to objects of the type
/// (a company, an account); a relationship carries attributes of its own.
#[derive(Debug, Clone)]
pub struct ObjectType {
    /// The type's name (`company`); `trigger.company.*` in Liquid.
    pub name: Name,
    /// Its `object_type_id` in Customer.io.
    pub type_id: u64,
    /// Where the type id was written.
    pub type_id_span: Span,
    /// Doc text.
    pub doc: Option<String>,
    /// The object's attributes (`attributes`), in declaration order.
    pub attributes: Vec<Field>,
    /// The attributes of a person's relationship to an object (`relationship`), in
    /// declaration order; `trigger.relationship.*` in Liquid.
    pub relationship: Vec<Field>,
}

impl ObjectType {
    /// The attribute declared under `name`, if any.
    pub fn attribute(&self, name: &str) -> Option<&Field> {
        self.attributes.iter().find(|f| f.name.value == name)
    }

    /// The relationship attribute declared under `name`, if any.
    pub fn relationship_attribute(&self, name: &str) -> Option<&Field> {
        self.relationship.iter().find(|f| f.name.value == name)
    }
}

/// A subscription-center topic: `product_updates = 1` in `[topics]`.
#[derive(Debug, Clone)]
pub struct TopicDef {
    /// The topic's name (`product_updates`).
    pub name: Name,
    /// Its id in Customer.io's subscription center.
    pub id: u64,
    /// Doc text (long form `{ id = 1, doc = "..." }`).
    pub doc: Option<String>,
}
