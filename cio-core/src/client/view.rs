//! [`View`]: a page or screen view, sent like an event with a URL or screen name.

use super::body::write_json;
use super::error::Error;
use super::limits::check_event_data;
use crate::{EventId, Timestamp};

/// Whether a [`View`] is a web page or a mobile screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewKind {
    /// A web page view (`type: "page"`, the name is the URL or path).
    Page,
    /// A mobile screen view (`type: "screen"`).
    Screen,
}

impl ViewKind {
    /// The wire `type` (and v2 `action`).
    pub const fn wire(self) -> &'static str {
        match self {
            ViewKind::Page => "page",
            ViewKind::Screen => "screen",
        }
    }
}

/// A page or screen view with its own [`EventId`], fixed at creation.
///
/// ```
/// use cio_core::client::View;
/// let view = View::page("https://example.com/pricing")
///     .with_data(&serde_json::json!({"referrer": "ad"}))
///     .unwrap();
/// assert_eq!(view.name(), "https://example.com/pricing");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    kind: ViewKind,
    name: String,
    id: EventId,
    timestamp: Option<Timestamp>,
    data: Option<Box<[u8]>>,
}

impl View {
    /// A page view of `url` (or path).
    pub fn page(url: impl Into<String>) -> Self {
        View::new(ViewKind::Page, url.into())
    }

    /// A view of the screen named `name`.
    pub fn screen(name: impl Into<String>) -> Self {
        View::new(ViewKind::Screen, name.into())
    }

    fn new(kind: ViewKind, name: String) -> Self {
        View {
            kind,
            name,
            id: EventId::new(),
            timestamp: None,
            data: None,
        }
    }

    /// Attaches data (serialized now, once; it must be a JSON object of at most
    /// 100,000 bytes).
    pub fn with_data<D: serde::Serialize + ?Sized>(mut self, data: &D) -> Result<Self, Error> {
        let mut bytes = Vec::new();
        write_json(&mut bytes, data)?;
        check_event_data(&bytes)?;
        self.data = (bytes != b"null").then(|| bytes.into_boxed_slice());
        Ok(self)
    }

    /// Sets when the view happened.
    #[must_use]
    pub fn at(mut self, timestamp: Timestamp) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// Replaces the id (for example one stored in an outbox).
    #[must_use]
    pub fn with_id(mut self, id: EventId) -> Self {
        self.id = id;
        self
    }

    /// Page or screen.
    pub fn kind(&self) -> ViewKind {
        self.kind
    }

    /// The URL or screen name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The view's id.
    pub fn id(&self) -> EventId {
        self.id
    }

    /// When the view happened, if set.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }

    pub(crate) fn data_bytes(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }
}
