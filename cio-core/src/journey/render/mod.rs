//! Rendering messages: the `liquid` crate with Customer.io's filters, over the
//! objects Customer.io gives a message (`customer`, `event`, `event_name`,
//! `event_timestamp`, `campaign`, `message`, `delivery_id`).

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};

use super::data::{Journeys, Message};

mod bounded;
mod filters;
mod guards;

pub use bounded::{render_bounded, Limits};
pub use filters::FILTERS;

/// Why a message could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// The message's name.
    pub message: String,
    /// `subject` or `body`.
    pub part: &'static str,
    /// What Liquid reported.
    pub reason: String,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "message `{}` ({}) does not render: {}",
            self.message, self.part, self.reason
        )
    }
}

impl std::error::Error for RenderError {}

/// A rendered message: its subject (when the message has one) and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The rendered subject (email subject, push title), if the message has one.
    pub subject: Option<String>,
    /// The rendered body.
    pub body: String,
}

/// What a message is rendered with.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The person's identifier (`customer.id`).
    pub person: &'a str,
    /// The profile's attributes (`customer.*`).
    pub customer: &'a Map<String, Value>,
    /// The name of the event that started the journey (`event_name`).
    pub event_name: &'a str,
    /// The data of the event that started the journey (`event.*`).
    pub event: &'a Map<String, Value>,
    /// When that event was tracked, in Unix seconds (`event_timestamp`).
    pub event_timestamp: i64,
    /// The campaign's name (`campaign.name`).
    pub campaign: &'a str,
    /// An identifier of this delivery (`delivery_id`).
    pub delivery_id: &'a str,
}

struct Compiled {
    message: &'static Message,
    subject: Option<Result<liquid::Template, String>>,
    body: Result<liquid::Template, String>,
    /// Reads guarded by `default`, filled with `nil` when missing.
    guarded: Vec<guards::Guarded>,
}

/// Every message of a [`Journeys`], parsed once, ready to render.
///
/// ```
/// use cio_core::journey::{Channel, Context, Journeys, Message, Renderer};
///
/// static JOURNEYS: Journeys = Journeys {
///     campaigns: &[],
///     messages: &[Message {
///         name: "welcome",
///         channel: Channel::Email,
///         subject: Some("Welcome, {{ customer.first_name | capitalize }}!"),
///         body: "Signed up with {{ event.method }}.",
///     }],
/// };
/// let renderer = Renderer::new(&JOURNEYS);
/// let customer = serde_json::json!({ "first_name": "jane" });
/// let event = serde_json::json!({ "method": "google" });
/// let context = Context {
///     person: "user-1",
///     customer: customer.as_object().unwrap(),
///     event_name: "signed_up",
///     event: event.as_object().unwrap(),
///     event_timestamp: 1_700_000_000,
///     campaign: "onboarding",
///     delivery_id: "d-1",
/// };
/// let rendered = renderer.render("welcome", &context).unwrap();
/// assert_eq!(rendered.subject.as_deref(), Some("Welcome, Jane!"));
/// assert_eq!(rendered.body, "Signed up with google.");
/// ```
pub struct Renderer {
    messages: HashMap<&'static str, Compiled>,
}

impl fmt::Debug for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Renderer")
            .field("messages", &self.messages.len())
            .finish()
    }
}

/// A Liquid parser with the standard library and Customer.io's filters.
///
/// # Errors
///
/// Only if the `liquid` crate refuses its own configuration, which it does not for
/// these filters.
pub fn parser() -> Result<liquid::Parser, liquid::Error> {
    filters::register(liquid::ParserBuilder::with_stdlib()).build()
}

/// Parses one template with [`parser`]; errors as text.
pub fn parse(source: &str) -> Result<liquid::Template, String> {
    thread_local! {
        static PARSER: Result<liquid::Parser, String> = parser().map_err(|e| e.to_string());
    }
    PARSER.with(|parser| match parser {
        Ok(parser) => parser.parse(source).map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    })
}

impl Renderer {
    /// Parses every message of `journeys`. A message that does not parse is
    /// reported when it is rendered.
    pub fn new(journeys: &'static Journeys) -> Self {
        let messages = journeys
            .messages
            .iter()
            .map(|message| {
                let sources = std::iter::once(message.body).chain(message.subject);
                let guarded = guards::guarded(sources, &["customer", "event", "trigger"]);
                let compiled = Compiled {
                    message,
                    guarded,
                    subject: message.subject.map(parse),
                    body: parse(message.body),
                };
                (message.name, compiled)
            })
            .collect();
        Renderer { messages }
    }

    /// Renders the message named `message` in `context`.
    ///
    /// # Errors
    ///
    /// When the message is unknown, did not parse, or Liquid fails while rendering
    /// (a filter given a value it cannot take, for instance).
    pub fn render(&self, message: &str, context: &Context<'_>) -> Result<Rendered, RenderError> {
        let error = |part: &'static str, reason: String| RenderError {
            message: message.to_string(),
            part,
            reason,
        };
        let Some(compiled) = self.messages.get(message) else {
            return Err(error("body", "no such message".into()));
        };
        let globals = globals(compiled, context);
        let run = |part: &'static str, template: &Result<liquid::Template, String>| {
            let template = template.as_ref().map_err(|e| error(part, e.clone()))?;
            // `Template::render` starts from a 10 kB buffer, which every delivery a
            // simulation keeps would hold: render into a small one, kept to size.
            let mut buffer = Vec::with_capacity(256);
            template
                .render_to(&mut buffer, &globals)
                .map_err(|e| error(part, e.to_string()))?;
            buffer.shrink_to_fit();
            String::from_utf8(buffer).map_err(|e| error(part, e.to_string()))
        };
        let subject = match &compiled.subject {
            Some(template) => Some(run("subject", template)?),
            None => None,
        };
        let body = run("body", &compiled.body)?;
        Ok(Rendered { subject, body })
    }
}

/// The objects a message sees.
fn globals(compiled: &Compiled, context: &Context<'_>) -> liquid::Object {
    let message = compiled.message;
    let mut customer = json_object(context.customer);
    customer
        .entry("id")
        .or_insert_with(|| liquid::model::Value::scalar(context.person.to_string()));
    let mut campaign = liquid::Object::new();
    campaign.insert("name".into(), scalar(context.campaign));
    let mut about = liquid::Object::new();
    about.insert("name".into(), scalar(message.name));
    about.insert("channel".into(), scalar(message.channel.as_str()));
    let mut globals = liquid::Object::new();
    globals.insert("customer".into(), liquid::model::Value::Object(customer));
    globals.insert(
        "event".into(),
        liquid::model::Value::Object(json_object(context.event)),
    );
    if context
        .event_name
        .starts_with(crate::journey::RELATIONSHIP_ADDED)
    {
        // A relationship started the journey: `trigger.<type>.*` and
        // `trigger.relationship.*` read what `Simulation::relate` tracked.
        globals.insert(
            "trigger".into(),
            liquid::model::Value::Object(json_object(context.event)),
        );
    }
    globals.insert("event_name".into(), scalar(context.event_name));
    globals.insert(
        "event_timestamp".into(),
        liquid::model::Value::scalar(context.event_timestamp),
    );
    globals.insert("campaign".into(), liquid::model::Value::Object(campaign));
    globals.insert("message".into(), liquid::model::Value::Object(about));
    globals.insert("delivery_id".into(), scalar(context.delivery_id));
    for path in &compiled.guarded {
        guards::fill(&mut globals, path);
    }
    globals
}

/// Renders one Liquid `source` (parsed with [`parse`]) against `globals`, as the
/// journeys render their messages: a read guarded by `default` of a value missing
/// under one of the root objects `roots` (`customer`, `trigger`, ...) renders the
/// default instead of failing. Errors as text.
///
/// ```
/// let globals = liquid::object!({ "customer": { "first_name": "Jane" }, "trigger": {} });
/// let text = cio_core::journey::render_source(
///     "Hi {{ customer.first_name }}, from {{ trigger.device | default: 'a browser' }}",
///     globals,
///     &["customer", "trigger"],
/// );
/// assert_eq!(text.as_deref(), Ok("Hi Jane, from a browser"));
/// ```
pub fn render_source(
    source: &str,
    mut globals: liquid::Object,
    roots: &[&str],
) -> Result<String, String> {
    let template = parse(source)?;
    for path in guards::guarded([source], roots) {
        guards::fill(&mut globals, &path);
    }
    template.render(&globals).map_err(|e| e.to_string())
}

fn scalar(text: &str) -> liquid::model::Value {
    liquid::model::Value::scalar(text.to_string())
}

/// A JSON object as Liquid values: integers stay integers (Unix seconds render as
/// digits, as Customer.io shows them), floats stay floats.
fn json_object(map: &Map<String, Value>) -> liquid::Object {
    map.iter()
        .map(|(k, v)| (k.clone().into(), json_value(v)))
        .collect()
}

/// A JSON value as a Liquid value: integers stay integers, as Customer.io shows them.
pub fn json_value(value: &Value) -> liquid::model::Value {
    use liquid::model::Value as L;
    match value {
        Value::Null => L::Nil,
        Value::Bool(b) => L::scalar(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => L::scalar(i),
            None => L::scalar(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => L::scalar(s.clone()),
        Value::Array(items) => L::Array(items.iter().map(json_value).collect()),
        Value::Object(map) => L::Object(json_object(map)),
    }
}
