//! The structs of `[transactional.*]` and `[broadcasts.*]` (their data, with the
//! message's name, id and channel), and the `segments` module of `Segment` constants.

use std::fmt::Write as _;

use cio_schema::{AppChannel, AppMessage, AppMessageId, AppMessageKind, Taxonomy};

use super::docs::docs;
use super::{field_specs, inline_enums};
use crate::items;
use crate::render::{self, lit, Out};
use crate::spec::{Generics, Piece, RecordKind, RecordSpec};

/// Every transactional message and broadcast, then the segments.
pub(super) fn app_items(out: &mut Out, taxonomy: &Taxonomy) {
    for message in taxonomy.transactional.iter().chain(&taxonomy.broadcasts) {
        app_message(out, message);
    }
    segments(out, taxonomy);
}

fn app_message(out: &mut Out, message: &AppMessage) {
    let type_name = cio_schema::naming::type_name(&message.name.value);
    let ident = items::ident_text(&type_name);
    let name = &message.name.value;
    inline_enums(out, &type_name, name, &message.data);
    let (this, how) = match message.kind {
        AppMessageKind::Transactional => (
            format!("The transactional message `{name}` of events.toml."),
            "Send it with `AppClient::send`; its templates read each field as `{{ trigger.FIELD }}`.",
        ),
        AppMessageKind::Broadcast => (
            format!("The API-triggered broadcast `{name}` of events.toml."),
            "Trigger it with `AppClient::trigger_broadcast`; its templates read each field as `{{ trigger.FIELD }}`.",
        ),
    };
    let mut attrs = String::new();
    docs(
        &mut attrs,
        message.doc.as_deref(),
        &[format_args!("{this}"), format_args!("{how}")],
    );
    let spec = RecordSpec {
        attrs,
        ident: Piece::Text(ident.clone()),
        generics: Generics::none(),
        fields: field_specs(&type_name, &message.data, false, &[]),
        kind: RecordKind::MessageData,
    };
    render::record(out, &spec, true);
    if !matches!(
        (message.kind, &message.id),
        (AppMessageKind::Broadcast, AppMessageId::Text(_))
    ) {
        out.private();
    }
    match (message.kind, &message.id) {
        (AppMessageKind::Transactional, id) => {
            let (id, channel) = (id_variant(id), channel_variant(message.channel));
            let _ = writeln!(
                out.text,
                "app_message! {{ transactional {ident} = {} id = {id}, channel = {channel} }}",
                lit(name)
            );
        }
        (AppMessageKind::Broadcast, AppMessageId::Number(n)) => {
            let _ = writeln!(
                out.text,
                "app_message! {{ broadcast {ident} = {} id = {n} }}",
                lit(name)
            );
        }
        // The schema refuses a broadcast named by text: nothing to implement.
        (AppMessageKind::Broadcast, AppMessageId::Text(_)) => {}
    }
}

/// The generated `TransactionalId` variant of a message's id: `Number(7)` or `Name("x")`.
fn id_variant(id: &AppMessageId) -> String {
    match id {
        AppMessageId::Number(n) => format!("Number({n})"),
        AppMessageId::Text(text) => format!("Name({})", lit(text)),
    }
}

/// The generated `MessageChannel` variant of a transactional message's channel
/// (cio-schema refuses a transactional message on another channel; its stand-in
/// is sent by email).
fn channel_variant(channel: AppChannel) -> &'static str {
    match channel {
        AppChannel::Push => "Push",
        AppChannel::Sms => "Sms",
        AppChannel::InApp => "InApp",
        AppChannel::Inbox => "Inbox",
        AppChannel::Email | AppChannel::Webhook | AppChannel::Slack => "Email",
    }
}

/// `pub const APP_MESSAGES` (inside `mod taxonomy`): each transactional message's
/// and broadcast's templates, paths through `private` (`::cio::__private::`).
pub(super) fn templates(out: &mut String, private: &str, taxonomy: &Taxonomy) {
    let _ = write!(
        out,
        "#[doc = \" The templates of every transactional message and broadcast: what an emulator renders their sends with.\"]\n\
         pub const APP_MESSAGES: &[{private}AppTemplate] = &["
    );
    let template = |t: &Option<cio_schema::Template>| match t {
        Some(t) => format!("::core::option::Option::Some({})", lit(&t.source)),
        None => "::core::option::Option::None".to_string(),
    };
    for message in taxonomy.transactional.iter().chain(&taxonomy.broadcasts) {
        let target = match (message.kind, &message.id) {
            (AppMessageKind::Transactional, id) => {
                let (id, channel) = (id_variant(id), channel_variant(message.channel));
                format!(
                    "{private}AppTarget::Transactional({private}TransactionalId::{id}, {private}MessageChannel::{channel})"
                )
            }
            (AppMessageKind::Broadcast, AppMessageId::Number(n)) => {
                format!("{private}AppTarget::Broadcast({n})")
            }
            (AppMessageKind::Broadcast, AppMessageId::Text(_)) => continue,
        };
        let _ = write!(
            out,
            "{private}AppTemplate {{ name: {}, target: {target}, subject: {}, body: {} }}, ",
            lit(&message.name.value),
            template(&message.subject),
            template(&message.body),
        );
    }
    out.push_str("];\n");
}

/// `pub mod segments { pub const BETA_TESTERS: Segment = Segment::new(7); ... }`.
fn segments(out: &mut Out, taxonomy: &Taxonomy) {
    if taxonomy.segments.is_empty() {
        return;
    }
    out.text.push_str(
        "#[doc = \" The manual segments of events.toml, for `TrackClient::add_to_segment` and `remove_from_segment`.\"]\npub mod segments {\n",
    );
    for segment in &taxonomy.segments {
        let rust = cio_schema::naming::field_name(&segment.name.value);
        let constant = items::ident_text(&rust.trim_start_matches("r#").to_ascii_uppercase());
        let mut attrs = String::new();
        docs(
            &mut attrs,
            segment.doc.as_deref(),
            &[format_args!(
                "The segment `{}` of events.toml (id {}).",
                segment.name.value, segment.id
            )],
        );
        out.text.push_str(&attrs);
        let _ = write!(out.text, "pub const {constant}: ");
        out.private();
        out.text.push_str("Segment = ");
        out.private();
        let _ = writeln!(out.text, "Segment::new({});", segment.id);
    }
    out.text.push_str("}\n");
}
