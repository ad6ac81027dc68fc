//! [`Integrations`]: which of a source's destinations a call is routed to.

use std::collections::BTreeMap;

use crate::client::body::write_json;
use crate::client::Error;

/// The destinations a Data Pipelines call goes to: every destination of the source
/// ([`Integrations::all`], the default), or none but those enabled
/// ([`Integrations::none`]), with exceptions either way. Sent as the call's
/// `integrations` object (`{"All": false, "Customer.io": true}`).
///
/// ```
/// use cio_core::client::Integrations;
/// let only_cio = Integrations::none().enable("Customer.io");
/// let not_mixpanel = Integrations::all().disable("Mixpanel");
/// assert_ne!(only_cio, not_mixpanel);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Integrations {
    /// `Some(false)` when every destination is off but those named.
    all: Option<bool>,
    named: BTreeMap<String, bool>,
}

impl Integrations {
    /// Every destination of the source (nothing is sent: that is the API's default).
    pub fn all() -> Self {
        Integrations::default()
    }

    /// No destination but those [enabled](Integrations::enable).
    pub fn none() -> Self {
        Integrations {
            all: Some(false),
            named: BTreeMap::new(),
        }
    }

    /// Routes to the destination `name` (as Data Pipelines names it: `Customer.io`,
    /// `Mixpanel`, ...).
    #[must_use]
    pub fn enable(mut self, name: impl Into<String>) -> Self {
        self.named.insert(name.into(), true);
        self
    }

    /// Keeps calls away from the destination `name`.
    #[must_use]
    pub fn disable(mut self, name: impl Into<String>) -> Self {
        self.named.insert(name.into(), false);
        self
    }

    /// `,"integrations":{..}`, or nothing for every destination.
    pub(crate) fn to_field(&self) -> Result<Vec<u8>, Error> {
        if self.all.is_none() && self.named.is_empty() {
            return Ok(Vec::new());
        }
        let mut map = serde_json::Map::new();
        if let Some(all) = self.all {
            map.insert("All".to_owned(), all.into());
        }
        for (name, on) in &self.named {
            map.insert(name.clone(), (*on).into());
        }
        let mut out = b",\"integrations\":".to_vec();
        write_json(&mut out, &map)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(Integrations::all().to_field().unwrap(), b"");
        assert_eq!(
            Integrations::none()
                .enable("Customer.io")
                .to_field()
                .unwrap(),
            br#","integrations":{"All":false,"Customer.io":true}"#
        );
        assert_eq!(
            Integrations::all().disable("Mixpanel").to_field().unwrap(),
            br#","integrations":{"Mixpanel":false}"#
        );
    }
}
