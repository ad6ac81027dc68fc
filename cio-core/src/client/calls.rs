//! The Track API calls beyond people and events: push and delivery metrics, forms,
//! unsubscribes, manual segments and the account's region.

use reqwest::Method;
use serde::Serialize;

use super::delivery::{check_delivery_id, DeliveryMetric, PushEvent};
use super::region::Region;
use super::segment::{segment_bodies, Segment};
use super::transport::Request;
use super::{body, Customer, Error, TrackClient};

/// The answer of [`TrackClient::account_region`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct AccountRegion {
    /// The Track API origin of the account (`https://track.customer.io`).
    pub url: String,
    /// `us` or `eu`.
    pub region: String,
    /// The workspace id.
    #[serde(default)]
    pub environment_id: Option<u64>,
}

impl AccountRegion {
    /// The region, when it is one cio knows.
    pub fn region(&self) -> Option<Region> {
        self.region.parse().ok()
    }
}

impl TrackClient {
    /// Reports a device-side push event (`POST /api/v1/push/events`, the older
    /// push-only form of [`TrackClient::report_metric`]).
    ///
    /// The call has no idempotency key: it is sent again only when it provably did
    /// not arrive, and a failure that leaves the outcome unknown (a timeout, a 5xx)
    /// is [`Error::OutcomeUnknown`] (the event may have been counted).
    pub async fn track_push(&self, event: &PushEvent) -> Result<(), Error> {
        let body = event.body()?;
        let url = format!("{}/push/events", self.inner.v1);
        self.send_unsent_only(Method::POST, url, "POST /api/v1/push/events", body)
            .await?;
        Ok(())
    }

    /// Reports a delivery metric of any channel (`POST /api/v1/metrics`).
    ///
    /// Not repeated after an unknown outcome, as [`TrackClient::track_push`].
    pub async fn report_metric(&self, metric: &DeliveryMetric) -> Result<(), Error> {
        let body = metric.body()?;
        let url = format!("{}/metrics", self.inner.v1);
        self.send_unsent_only(Method::POST, url, "POST /api/v1/metrics", body)
            .await?;
        Ok(())
    }

    /// Submits the form `form_id` (`POST /api/v1/forms/{id}/submit`). `data` must
    /// serialize to an object holding a non-empty `id` or `email`, which names the
    /// person; it is checked before sending.
    ///
    /// A submission can start campaigns and has no idempotency key: it is sent again
    /// only when it provably did not arrive, and a failure that leaves the outcome
    /// unknown (a timeout, a 5xx) is [`Error::OutcomeUnknown`].
    pub async fn submit_form<T: Serialize + ?Sized>(
        &self,
        form_id: &str,
        data: &T,
    ) -> Result<(), Error> {
        if form_id.is_empty() || form_id == "." || form_id == ".." {
            return Err(Error::InvalidIdentifier(format!(
                "`{form_id}` is not a form id"
            )));
        }
        let value = serde_json::to_value(data).map_err(|e| Error::Serialize(e.to_string()))?;
        let Some(object) = value.as_object() else {
            return Err(Error::Serialize(
                "form data must serialize to a JSON object".to_owned(),
            ));
        };
        let names_someone = ["id", "email"].iter().any(|key| {
            object
                .get(*key)
                .and_then(serde_json::Value::as_str)
                .is_some_and(|v| !v.is_empty())
        });
        if !names_someone {
            return Err(Error::InvalidIdentifier(
                "form data must hold a non-empty `id` or `email`".to_owned(),
            ));
        }
        let mut out = Vec::with_capacity(64);
        body::write_json(&mut out, &serde_json::json!({ "data": value }))?;
        let url = format!(
            "{}/forms/{}/submit",
            self.inner.v1,
            Customer::id(form_id).path_segment()
        );
        self.send_unsent_only(Method::POST, url, "POST /api/v1/forms/{id}/submit", out)
            .await?;
        Ok(())
    }

    /// Sets whether the recipient of the delivery `delivery_id` is unsubscribed
    /// (`POST /unsubscribe/{delivery_id}` at the host root). This call carries no
    /// credentials: the delivery id names the person.
    pub async fn unsubscribe(&self, delivery_id: &str, unsubscribe: bool) -> Result<(), Error> {
        check_delivery_id(delivery_id)?;
        let url = format!(
            "{}/unsubscribe/{}",
            self.inner.origin,
            Customer::id(delivery_id).path_segment()
        );
        let body = serde_json::json!({ "unsubscribe": unsubscribe })
            .to_string()
            .into_bytes();
        self.inner
            .send(Request {
                method: Method::POST,
                url,
                endpoint: "POST /unsubscribe/{delivery_id}",
                body: Some(body.into()),
                auth: false,
            })
            .await?;
        Ok(())
    }

    /// Adds `customers` to the manual segment `segment`
    /// (`POST /api/v1/segments/{id}/add_customers`): one request per identifier kind
    /// (`id_type`) and per 1,000 identifiers. Every identifier is checked before the
    /// first request; an empty list sends nothing. On an error, the requests before
    /// it were applied (adding again is harmless).
    pub async fn add_to_segment(
        &self,
        segment: Segment,
        customers: &[Customer],
    ) -> Result<(), Error> {
        self.segment_call(segment, customers, "add_customers").await
    }

    /// Removes `customers` from the manual segment `segment`
    /// (`POST /api/v1/segments/{id}/remove_customers`), split like
    /// [`TrackClient::add_to_segment`].
    pub async fn remove_from_segment(
        &self,
        segment: Segment,
        customers: &[Customer],
    ) -> Result<(), Error> {
        self.segment_call(segment, customers, "remove_customers")
            .await
    }

    async fn segment_call(
        &self,
        segment: Segment,
        customers: &[Customer],
        action: &str,
    ) -> Result<(), Error> {
        let endpoint = if action == "add_customers" {
            "POST /api/v1/segments/{id}/add_customers"
        } else {
            "POST /api/v1/segments/{id}/remove_customers"
        };
        for (kind, body) in segment_bodies(customers)? {
            let url = format!(
                "{}/segments/{}/{action}?id_type={}",
                self.inner.v1,
                segment.id(),
                kind.key()
            );
            self.send(Method::POST, url, endpoint, Some(body)).await?;
        }
        Ok(())
    }

    /// The region of the account the credentials belong to
    /// (`GET /api/v1/accounts/region`), to check that the client talks to the right one.
    pub async fn account_region(&self) -> Result<AccountRegion, Error> {
        let url = format!("{}/accounts/region", self.inner.v1);
        let answer = self
            .send(Method::GET, url, "GET /api/v1/accounts/region", None)
            .await?;
        serde_json::from_slice(&answer.body)
            .map_err(|e| Error::Serialize(format!("unexpected region answer: {e}")))
    }
}
