//! A delivered message in three views (rendered, plain text, Liquid source) with its
//! webhooks' metrics; `GET /messages/N` shows one alone.

use std::fmt::Write as _;

use cio_core::journey::{Channel, Delivery, Journeys};

use super::{layout, simulation};
use crate::inbox::markup::{escape, person_href};
use crate::inbox::metrics::{self, Metric};
use crate::inbox::report;
use crate::inbox::text::plain;
use crate::inbox::time::utc;
use crate::record::State;

/// The `n`th delivery alone, if there is one.
pub(in crate::inbox) fn message(state: &State, n: usize) -> Option<String> {
    let sim = simulation(state)?;
    let d = sim.deliveries().get(n)?;
    let title = d.subject.as_deref().unwrap_or(d.message);
    let back = format!("/messages/{n}");
    let reporting = report::enabled(state).then_some(back.as_str());
    let section = rendered(n, d, sim.journeys(), &metrics::of(state, n), reporting);
    Some(layout(title, state, "", &section))
}

/// The `n`th delivery `d` as a section: what it is, then tabs for the message
/// rendered (an email body as HTML in a sandboxed `srcdoc` iframe: no script, no
/// plugin, no navigation, an opaque origin; any other body as text), as plain text
/// and as its Liquid source (from `journeys`), then its webhooks' `metrics` and the
/// buttons that report more, whose forms send the browser back to `reporting` (the
/// page they are on; `None` when the emulator sends no webhooks).
pub(super) fn rendered(
    n: usize,
    d: &Delivery,
    journeys: &Journeys,
    metrics: &[Metric],
    reporting: Option<&str>,
) -> String {
    let mut html = format!(
        "<section class=\"message\" id=\"message-{n}\" data-live><div id=\"message-{n}-head\">\
         <h3 class=\"subject\">{}</h3><p class=\"muted meta\">{} · {} · {} · {} to <a href=\"{}\">{}</a></p>",
        escape(d.subject.as_deref().unwrap_or("(no subject)")),
        escape(&utc(d.time)),
        escape(d.campaign),
        escape(d.message),
        d.channel,
        escape(&person_href(&d.person)),
        escape(&d.person)
    );
    if let Some(error) = &d.error {
        let _ = write!(
            html,
            "<p class=\"error\">not rendered: {}</p>",
            escape(&error.to_string())
        );
    }
    html.push_str("</div>");
    let _ = write!(html, "<div class=\"tabs\" id=\"message-{n}-views\">");
    for (view, label, checked) in [
        ("html", "Rendered", " checked"),
        ("text", "Plain text", ""),
        ("liquid", "Liquid source", ""),
    ] {
        let _ = write!(
            html,
            "<input type=\"radio\" class=\"tab-{view}\" name=\"view-{n}\" id=\"view-{n}-{view}\"{checked}>\
             <label for=\"view-{n}-{view}\">{label}</label>"
        );
    }
    html.push_str("<div class=\"view view-html\">");
    if d.channel == Channel::Email {
        let _ = write!(
            html,
            "<iframe class=\"body\" sandbox=\"\" referrerpolicy=\"no-referrer\" title=\"{}\" srcdoc=\"{}\"></iframe>",
            escape(d.message),
            escape(&d.body)
        );
    } else {
        let _ = write!(html, "<pre class=\"body\">{}</pre>", escape(&d.body));
    }
    let _ = write!(
        html,
        "</div><div class=\"view view-text\"><pre class=\"text\">{}</pre></div>\
         <div class=\"view view-liquid\">",
        escape(&if d.channel == Channel::Email {
            plain(&d.body)
        } else {
            d.body.clone()
        })
    );
    match journeys.message(d.message) {
        Some(source) => {
            if let Some(subject) = source.subject {
                let _ = write!(
                    html,
                    "<h4>Subject</h4><pre class=\"liquid-subject\">{}</pre>",
                    escape(subject)
                );
            }
            let _ = write!(
                html,
                "<h4>Body</h4><pre class=\"liquid-body\">{}</pre>",
                escape(source.body)
            );
        }
        None => html.push_str("<p class=\"muted\">The journeys declare no such message.</p>"),
    }
    let _ = write!(
        html,
        "</div></div><div class=\"webhooks\" id=\"message-{n}-webhooks\">Webhooks: {}</div>{}</section>",
        metrics::html(metrics),
        report::buttons(n, d.channel, reporting)
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use cio_core::journey::Message;
    use cio_core::Timestamp;

    static JOURNEYS: Journeys = Journeys {
        campaigns: &[],
        messages: &[Message {
            name: "hi",
            channel: Channel::Email,
            subject: Some("Hi {{ customer.name }}</pre><script>x()</script>"),
            body: "<p>{{ customer.name }}</p>",
        }],
    };

    fn delivery(body: &str) -> Delivery {
        Delivery {
            time: Timestamp::from_unix(0),
            person: "<b>p</b>".to_owned(),
            campaign: "c",
            message: "hi",
            channel: Channel::Email,
            subject: Some("Hi <script>alert(1)</script>".to_owned()),
            body: body.to_owned(),
            error: None,
        }
    }

    #[test]
    fn three_views_each_escaped() {
        let d = delivery("<p onclick=\"x\">Hi &lt;you&gt;</p><script>alert(2)</script>");
        let html = rendered(3, &d, &JOURNEYS, &[], Some("/messages/3"));
        // Nothing from the delivery or the Liquid is markup of the page.
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("<p onclick"), "{html}");
        // Rendered: the HTML in a sandboxed frame, escaped once for the attribute.
        assert!(
            html.contains(
                "<iframe class=\"body\" sandbox=\"\" referrerpolicy=\"no-referrer\" title=\"hi\" \
             srcdoc=\"&lt;p onclick=&quot;x&quot;&gt;Hi &amp;lt;you&amp;gt;&lt;/p&gt;"
            ),
            "{html}"
        );
        // Plain text: the text the HTML shows, escaped.
        assert!(
            html.contains("<pre class=\"text\">Hi &lt;you&gt;</pre>"),
            "{html}"
        );
        // Liquid source: subject and body as written.
        assert!(html.contains(
            "<pre class=\"liquid-subject\">Hi {{ customer.name }}&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;</pre>"
        ), "{html}");
        assert!(
            html.contains(
                "<pre class=\"liquid-body\">&lt;p&gt;{{ customer.name }}&lt;/p&gt;</pre>"
            ),
            "{html}"
        );
        for view in ["html", "text", "liquid"] {
            assert!(html.contains(&format!("id=\"view-3-{view}\"")), "{html}");
        }
        assert!(html.contains("id=\"view-3-html\" checked"), "{html}");
        assert!(html.contains("no webhook reported yet"), "{html}");
        assert!(html.contains("action=\"/messages/3/report\""), "{html}");
    }

    #[test]
    fn other_channels_and_unknown_messages() {
        let mut d = delivery("Your code is <1234>");
        d.channel = Channel::Sms;
        d.message = "gone";
        let html = rendered(0, &d, &JOURNEYS, &[], None);
        assert!(
            html.contains("<pre class=\"body\">Your code is &lt;1234&gt;</pre>"),
            "{html}"
        );
        assert!(
            html.contains("<pre class=\"text\">Your code is &lt;1234&gt;</pre>"),
            "{html}"
        );
        assert!(!html.contains("<iframe"), "{html}");
        assert!(html.contains("declare no such message"), "{html}");
        assert!(
            html.contains("--webhook-url") && !html.contains("<form"),
            "{html}"
        );
    }
}
