//! Liquid analysis of message templates: syntax, and every `event.*` / `customer.*` /
//! `trigger.*` variable a message reads, checked against the taxonomy.
//!
//! # Syntax
//!
//! Every template is parsed with the [`liquid`] crate's parser (its standard library,
//! [`STANDARD_FILTERS`]) extended with Customer.io's **latest** Liquid dialect as its
//! published tag list gives it, registered parse-only (any arguments): the filters
//! [`CUSTOMERIO_FILTERS`] (no `format_date`: Customer.io formats dates with `date`,
//! which also takes a time zone), the tags [`CUSTOMERIO_TAGS`] (`{% unsubscribe_url %}`,
//! `{% cio_link %}`, ...), and Liquid 5's `{% echo expr | filters %}`. The filters of
//! legacy Liquid only ([`LEGACY_ONLY_FILTERS`]: `timezone`, `htmlencode`) are errors
//! that name their replacement. `docs/events-toml.md` compares latest and legacy.
//!
//! Standard tags: `assign`, `capture`, `case`/`when`, `comment`, `cycle`, `decrement`,
//! `for` (with `else`, `limit:`, `offset:`, `reversed`, ranges), `if`/`elsif`/`else`,
//! `ifchanged`, `include`, `increment`, `raw`, `render`, `tablerow`, `unless`,
//! `break`, `continue`, and inline comments `{% # … %}`. An unknown tag or filter is a
//! syntax error with a did-you-mean. A syntax error carries a message and the byte
//! offset in the template. Comment bodies are not parsed (as in Customer.io), blocks,
//! brackets and parentheses may nest 64 levels deep, and no input panics: the
//! `liquid` parser runs under `catch_unwind`, with the panic hook silenced for it (a
//! panic there prints nothing; the template gets cio's own syntax error).
//!
//! # Variables
//!
//! [`analyze`] finds every read of `event.*`, `customer.*` and `trigger.*`: in output
//! tags, filter arguments, conditions of `if`/`elsif`/`unless`/`case`/`when`, `for` and
//! `tablerow` collections and their `limit:`/`offset:` arguments and ranges, `assign`
//! right-hand sides, `capture` bodies, `cycle`, `include`/`render` arguments and
//! `echo`. `raw` and `comment` blocks and inline comments are ignored. `event["x"]` is `event.x`;
//! `customer[name]` is a [`UseKind::Dynamic`] read (its key cannot be known).
//!
//! Local names (`assign`, `capture`, `increment`, loop variables, `forloop`,
//! `tablerowloop`) are followed: after `{% assign x = event.plan %}`, `{{ x }}` is not
//! a data read (the read is the `assign`). Every other top-level name (`campaign`,
//! `message`, `layout`, `content`, `snippets`, `delivery_id`, `event_timestamp`,
//! `workspace`, ...) is Customer.io's or the template's own and is never checked.
//!
//! A read is *guarded* when a missing value cannot fail the render:
//! - a `| default: …` filter follows it in the same chain (arguments of the `default`
//!   filter itself and of later filters are not guarded);
//! - it is inside the body of `{% if X %}` where `X` establishes the field is present:
//!   `event.x`, `event.x != blank`, `event.x != nil`, `event.x == "literal"`,
//!   `event.x contains …`, and `and` of such tests (`or` establishes only what both
//!   sides do); in the `else` branch of `{% if event.x == blank %}` (or `== nil`); in
//!   `{% unless event.x == blank %}`; in `{% when "literal" %}` of `{% case event.x %}`.
//!   `elsif` and `else` branches know every earlier condition was false.
//!
//! A read in a condition itself (`if`, `elsif`, `unless`, `case`, `when`) is a
//! [`UseKind::Test`]: testing a missing value is fine.
//!
//! Guards match on the root and the first field: a guard on `event.metadata` also
//! guards `event.metadata.plan` ([`VariableUse::guarded`]). The attributes of an
//! object are read one level deeper (`trigger.company.domain`), so a read also tells
//! whether its first two segments are guarded ([`VariableUse::guarded_nested`]): by
//! a `default` filter, or a test of `trigger.company.domain` itself.
//!
//! # Checks
//!
//! [`check_taxonomy`] reports, per message and template (subject, body): a syntax
//! error; an `event.X`/`trigger.X` that is not a data field of the trigger event of
//! one of the campaigns sending the message, or a `customer.Y` that is not a profile
//! attribute (in conditions too: a misspelt test is always false); an optional one
//! rendered unguarded; a path deeper than its field allows; a computed key; an
//! `event.*` read in a message no campaign sends. `allow` entries exempt the reads they
//! match. See the `check` module source for the details.
//!
//! [`liquid_fields`] lists, per event, the data fields read *unguarded* by a render
//! (output, filter argument, `assign`, `for` collection...) in a message of a campaign
//! it triggers: the fields a missing value of would fail a message, so they must stay
//! required. Guarded reads and tests are left out (a missing value is fine there);
//! names the event does not declare are left out (they are errors of
//! [`check_taxonomy`]); every event has an entry, possibly empty.

mod analyze;
mod check;
mod customerio;
mod expr;
mod lexer;
mod quiet;
mod syntax;
mod trigger;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use customerio::{
    CUSTOMERIO_FILTERS, CUSTOMERIO_OBJECTS, CUSTOMERIO_TAGS, LEGACY_ONLY_FILTERS, STANDARD_FILTERS,
};

use crate::{Diagnostic, SourceFile, Taxonomy};

/// The object a variable is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    /// `event.*`: the trigger event's data.
    Event,
    /// `customer.*`: profile attributes.
    Customer,
    /// `trigger.*`: the trigger's data (checked like `event.*`).
    Trigger,
}

impl Root {
    /// The name as written in Liquid (`event`).
    pub fn as_str(self) -> &'static str {
        match self {
            Root::Event => "event",
            Root::Customer => "customer",
            Root::Trigger => "trigger",
        }
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a variable is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UseKind {
    /// Its value is rendered or computed with (output, filter argument, `assign`,
    /// `for` collection...): a missing value fails the message.
    Render,
    /// It is tested in a condition (`if`, `unless`, `case`, `when`): never an error.
    Test,
    /// Read with a computed key (`customer[name]`): cannot be checked.
    Dynamic,
}

/// One read of `event.*`, `customer.*` or `trigger.*` in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableUse {
    /// The object read from.
    pub root: Root,
    /// The static path after the root (`["metadata", "plan"]`); it stops before the
    /// first computed key, and is empty for `{{ event }}` or a [`UseKind::Dynamic`]
    /// read.
    pub path: Vec<String>,
    /// Byte offset of the root name in the template.
    pub offset: usize,
    /// Length in bytes of the whole path expression (`event["a"].b`).
    pub len: usize,
    /// `true` when a `default` filter or an enclosing test makes a missing value safe.
    pub guarded: bool,
    /// `true` when a `default` filter or an enclosing test of the first two
    /// segments (`trigger.company.domain`) makes a missing second segment safe: what
    /// an optional attribute of an object needs. A test of the first field alone
    /// (`trigger.company`) does not do it. For a path of one segment, `guarded`.
    pub guarded_nested: bool,
    /// How it is read.
    pub kind: UseKind,
}

impl VariableUse {
    /// The first field (`plan` in `event.plan.name`), if the path has one.
    pub fn field(&self) -> Option<&str> {
        self.path.first().map(String::as_str)
    }

    /// The path as written with dots (`event.metadata.plan`).
    pub fn dotted(&self) -> String {
        let mut s = self.root.as_str().to_owned();
        for p in &self.path {
            s.push('.');
            s.push_str(p);
        }
        s
    }
}

/// Every data read of one template, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysis {
    /// The reads.
    pub uses: Vec<VariableUse>,
}

/// A template that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, in plain words.
    pub message: String,
    /// Byte offset in the template.
    pub offset: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for SyntaxError {}

/// Checks the syntax of `source` and finds every data variable it reads.
///
/// ```
/// use cio_schema::liquid::{analyze, Root, UseKind};
/// let a = analyze("Hi {{ customer.first_name | default: 'there' }}, {{ event.plan }}").unwrap();
/// assert_eq!(a.uses.len(), 2);
/// assert_eq!((a.uses[0].root, a.uses[0].field(), a.uses[0].guarded), (Root::Customer, Some("first_name"), true));
/// assert_eq!((a.uses[1].root, a.uses[1].field(), a.uses[1].kind), (Root::Event, Some("plan"), UseKind::Render));
/// assert!(analyze("{{ event.plan | upcse }}").unwrap_err().message.contains("did you mean `upcase`?"));
/// ```
pub fn analyze(source: &str) -> Result<Analysis, SyntaxError> {
    let walk = analyze::walk(source);
    syntax::check(source, &walk)?;
    Ok(Analysis { uses: walk.uses })
}

/// Checks only the syntax of `source` (the `liquid` parser with Customer.io's dialect).
pub fn check_syntax(source: &str) -> Result<(), SyntaxError> {
    analyze(source).map(drop)
}

/// Runs `f`, returning `None` if it panicked, without printing the panic: for code
/// that renders Liquid from outside (the `liquid` crate has internal assertions), so
/// that a caught panic becomes the caller's own error. Panics on other threads, or
/// outside `f`, are printed as before.
///
/// ```
/// assert_eq!(cio_schema::liquid::catch_panic(|| 7), Some(7));
/// assert_eq!(cio_schema::liquid::catch_panic(|| -> u8 { panic!("x") }), None);
/// ```
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Option<T> {
    quiet::catch(f)
}

/// Checks every message of `taxonomy`: Liquid syntax, and each variable it reads
/// against the trigger events of the campaigns that send it and the profile.
/// `events_toml` is the source the taxonomy was parsed from (for inline templates).
///
/// Transactional messages and broadcasts are checked against their own `data`
/// (`trigger.*`) and the profile; an `event.*` read in them is an error.
pub fn check_taxonomy(taxonomy: &Taxonomy, events_toml: &SourceFile) -> Vec<Diagnostic> {
    let mut out = check::check_taxonomy(taxonomy, events_toml);
    out.extend(trigger::check_app_messages(taxonomy, events_toml));
    out
}

/// For each event (by name), the data fields that messages of the campaigns it
/// triggers read unguarded: the fields the event must always carry (see the module
/// docs). Every event has an entry.
pub fn liquid_fields(taxonomy: &Taxonomy) -> BTreeMap<String, BTreeSet<String>> {
    check::liquid_fields(taxonomy)
}
