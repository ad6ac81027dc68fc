//! Rendering Liquid that comes from outside (an HTTP request) within limits, so that
//! no template can hang or exhaust the process that renders it.
//!
//! What is bounded, and how:
//! - **Loops.** `{% for %}` is this module's own ([`for_loop`]): every loop charges the
//!   number of iterations it is about to run against one budget for the whole render
//!   ([`Limits::iterations`]), *before* it builds its items. `{% for i in
//!   (1..1000000000) %}` is therefore an error at once, not a hang nor 40 GB of
//!   items, and nested loops multiply against the same budget. A range with variable
//!   bounds is charged the same way, when its bounds are known. `{% tablerow %}`
//!   (liquid-lib's builds its whole range first) is refused.
//! - **Output.** The text is written through a writer that fails as soon as it would
//!   exceed [`Limits::output_bytes`], which stops the render early.
//! - **Nesting and parser panics** are not checked here: run the source through
//!   `cio_schema::liquid::check_syntax` first (64 levels at most, the parser's panics
//!   caught).
//!
//! Not bounded: the size of a value built without writing it (a string doubled by
//! repeated `append` into an `assign` or `capture`); the emulator's request body
//! limit bounds the template, not what it computes.

use std::cell::Cell;
use std::io::{self, Write};

use liquid_core::{
    BlockReflection, Error, Language, ParseBlock, Renderable, TagBlock, TagTokenIter,
};

use super::{filters, guards};

mod for_loop;

/// The limits of one render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes the rendered text may hold.
    pub output_bytes: usize,
    /// The most loop iterations the render may run, all loops together.
    pub iterations: u64,
}

impl Default for Limits {
    /// 1 MiB of text, 100,000 loop iterations.
    fn default() -> Self {
        Limits {
            output_bytes: 1024 * 1024,
            iterations: 100_000,
        }
    }
}

thread_local! {
    /// The iterations left to the render running on this thread.
    static ITERATIONS_LEFT: Cell<u64> = const { Cell::new(0) };
}

/// Takes `n` iterations from the budget, or fails when fewer are left.
fn charge(n: u64) -> liquid_core::Result<()> {
    ITERATIONS_LEFT.with(|left| match left.get().checked_sub(n) {
        Some(rest) => {
            left.set(rest);
            Ok(())
        }
        None => Err(Error::with_msg(
            "the loops run more iterations than the render allows",
        )),
    })
}

/// A writer that refuses to grow past `cap` bytes.
struct Capped {
    out: Vec<u8>,
    cap: usize,
    /// Set when a write was refused (liquid reports only "Failed to render").
    exceeded: bool,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.out.len().saturating_add(buf.len()) > self.cap {
            self.exceeded = true;
            return Err(io::Error::other("output cap"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `{% tablerow %}`, refused: liquid-lib's builds its whole range before any check.
#[derive(Clone, Copy, Debug, Default)]
struct NoTableRow;

impl BlockReflection for NoTableRow {
    fn start_tag(&self) -> &str {
        "tablerow"
    }
    fn end_tag(&self) -> &str {
        "endtablerow"
    }
    fn description(&self) -> &str {
        "refused within limits"
    }
}

impl ParseBlock for NoTableRow {
    fn parse(
        &self,
        _: TagTokenIter<'_>,
        _: TagBlock<'_, '_>,
        _: &Language,
    ) -> liquid_core::Result<Box<dyn Renderable>> {
        Err(Error::with_msg(
            "`tablerow` is not rendered within limits; use `for`",
        ))
    }
    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

fn parser() -> Result<liquid::Parser, Error> {
    filters::register(liquid::ParserBuilder::with_stdlib())
        .block(for_loop::ForBlock)
        .block(NoTableRow)
        .build()
}

/// [`render_source`](super::render_source) within `limits`: the same filters and
/// `default` guards, loops charged against a budget and the output capped (see the
/// module docs). Errors as text.
///
/// ```
/// use cio_core::journey::{render_bounded, Limits};
/// let globals = liquid::object!({ "customer": { "n": 3 } });
/// let limits = Limits::default();
/// let text = render_bounded("{% for i in (1..customer.n) %}{{ i }}{% endfor %}", globals.clone(), &["customer"], limits);
/// assert_eq!(text.as_deref(), Ok("123"));
/// let error = render_bounded("{% for i in (1..1000000000) %}{% endfor %}", globals, &["customer"], limits);
/// assert!(error.unwrap_err().contains("iterations"));
/// ```
pub fn render_bounded(
    source: &str,
    mut globals: liquid::Object,
    roots: &[&str],
    limits: Limits,
) -> Result<String, String> {
    thread_local! {
        static PARSER: Result<liquid::Parser, String> = parser().map_err(|e| e.to_string());
    }
    let template = PARSER.with(|parser| match parser {
        Ok(parser) => parser.parse(source).map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    })?;
    for path in guards::guarded([source], roots) {
        guards::fill(&mut globals, &path);
    }
    let mut out = Capped {
        out: Vec::new(),
        cap: limits.output_bytes,
        exceeded: false,
    };
    let before = ITERATIONS_LEFT.with(|left| left.replace(limits.iterations));
    let rendered = template.render_to(&mut out, &globals);
    ITERATIONS_LEFT.with(|left| left.set(before));
    if out.exceeded {
        return Err(format!(
            "the output is larger than {} bytes",
            limits.output_bytes
        ));
    }
    rendered.map_err(|e| e.to_string())?;
    String::from_utf8(out.out).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
