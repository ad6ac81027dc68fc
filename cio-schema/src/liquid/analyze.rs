//! The variable analyzer: walks the markup of a template and records every read of
//! `event.*`, `customer.*` and `trigger.*`, following local names and guards.
//!
//! It also notices the structural mistakes it can point at exactly (unknown tags and
//! filters, unbalanced blocks, unclosed delimiters); [`super::syntax`] uses them to
//! explain an error the `liquid` parser reported.

use super::customerio::{
    is_known_filter, is_known_tag, legacy_only_filter, KNOWN_FILTERS, KNOWN_TAGS,
};
use super::expr::{tokenize, Tok, Token};
use super::lexer::{Lexer, MarkupKind};
use super::{Root, SyntaxError, UseKind, VariableUse};
use crate::suggest::did_you_mean;

/// `root.field` or `root.field.sub`: what a guard establishes as present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GuardKey<'s> {
    root: Root,
    field: &'s str,
    /// The second segment, when the tested path has one.
    sub: Option<&'s str>,
}

impl GuardKey<'_> {
    /// `true` when both name the same first field (whatever their second segment).
    fn same_field(&self, other: &GuardKey<'_>) -> bool {
        self.root == other.root && self.field == other.field
    }
}

/// The keys of `a` that `b` also establishes: a key kept whole when `b` has it,
/// else reduced to its first field when `b` establishes that field.
fn common<'s>(a: Vec<GuardKey<'s>>, b: &[GuardKey<'s>]) -> Vec<GuardKey<'s>> {
    a.into_iter()
        .filter_map(|k| {
            if b.contains(&k) {
                Some(k)
            } else if b.iter().any(|other| other.same_field(&k)) {
                Some(GuardKey { sub: None, ..k })
            } else {
                None
            }
        })
        .collect()
}

/// A literal in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lit {
    Nil,
    Blank,
    Empty,
    False,
    /// A string, a number or `true`: a present value.
    Value,
}

/// One side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand<'s> {
    /// A data path (`event.x`), with its guard key when it has a static first field.
    Data(Option<GuardKey<'s>>),
    Lit(Lit),
    Other,
}

/// The block kinds that need an end tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    If,
    Unless,
    Case,
    For,
    Tablerow,
    Capture,
    Ifchanged,
}

impl Block {
    fn open_tag(self) -> &'static str {
        match self {
            Block::If => "if",
            Block::Unless => "unless",
            Block::Case => "case",
            Block::For => "for",
            Block::Tablerow => "tablerow",
            Block::Capture => "capture",
            Block::Ifchanged => "ifchanged",
        }
    }

    fn end_tag(self) -> &'static str {
        match self {
            Block::If => "endif",
            Block::Unless => "endunless",
            Block::Case => "endcase",
            Block::For => "endfor",
            Block::Tablerow => "endtablerow",
            Block::Capture => "endcapture",
            Block::Ifchanged => "endifchanged",
        }
    }
}

/// An open block.
#[derive(Debug)]
struct Frame<'s> {
    block: Block,
    /// Offset of the opening tag.
    open: usize,
    /// Length of `locals` when the block opened.
    locals_len: usize,
    /// Length of `guards` when the block opened.
    guards_len: usize,
    /// What every earlier branch's condition being false establishes (for `elsif`,
    /// `else`).
    negated: Vec<GuardKey<'s>>,
    /// `case` subject, when it is a data path.
    subject: Option<GuardKey<'s>>,
    /// Name assigned by `capture`.
    captured: Option<&'s str>,
}

/// The result of a walk: the uses found, and the first structural problem seen.
pub(crate) struct Walk {
    pub(crate) uses: Vec<VariableUse>,
    pub(crate) problem: Option<SyntaxError>,
    /// Set when blocks, brackets or parentheses nest deeper than [`MAX_DEPTH`].
    pub(crate) too_deep: Option<SyntaxError>,
    /// Byte ranges holding comments (see [`Lexer::comments`]).
    pub(crate) comments: Vec<(usize, usize)>,
}

/// Nesting beyond this is a syntax error (and is not walked further), so that no
/// template can exhaust the stack here or in the `liquid` parser.
pub(crate) const MAX_DEPTH: usize = 64;

/// Walks `src` once.
pub(crate) fn walk(src: &str) -> Walk {
    let mut w = Walker {
        src,
        toks: Vec::new(),
        uses: Vec::new(),
        locals: Vec::new(),
        globals: Vec::new(),
        guards: Vec::new(),
        frames: Vec::new(),
        problem: None,
        nesting: 0,
        too_deep: None,
        comments: Vec::new(),
    };
    w.run();
    w.uses.sort_by_key(|u| u.offset);
    Walk {
        uses: w.uses,
        problem: w.problem,
        too_deep: w.too_deep,
        comments: w.comments,
    }
}

struct Walker<'s> {
    src: &'s str,
    toks: Vec<Token>,
    uses: Vec<VariableUse>,
    /// Block-scoped names (loop variables, `forloop`).
    locals: Vec<&'s str>,
    /// Template-scoped names (`assign`, `capture`, `increment`).
    globals: Vec<&'s str>,
    /// Guards active at the current point.
    guards: Vec<GuardKey<'s>>,
    frames: Vec<Frame<'s>>,
    problem: Option<SyntaxError>,
    /// Current bracket/parenthesis recursion.
    nesting: usize,
    /// The first place nesting went deeper than [`MAX_DEPTH`].
    too_deep: Option<SyntaxError>,
    comments: Vec<(usize, usize)>,
}

impl<'s> Walker<'s> {
    fn run(&mut self) {
        let mut lexer = Lexer::new(self.src);
        for markup in lexer.by_ref() {
            let markup = match markup {
                Ok(m) => m,
                Err(unclosed) => {
                    let what = if unclosed.missing.starts_with('{') {
                        "block"
                    } else {
                        "tag"
                    };
                    self.fail(
                        unclosed.offset,
                        format!(
                            "this {what} is never closed: `{}` is missing",
                            unclosed.missing
                        ),
                    );
                    break;
                }
            };
            match markup.kind {
                MarkupKind::Output => {
                    let mut toks = std::mem::take(&mut self.toks);
                    tokenize(markup.inner, markup.inner_start, &mut toks);
                    self.toks = toks;
                    if self.toks.is_empty() {
                        continue;
                    }
                    self.chain(0, self.toks.len());
                }
                MarkupKind::Tag => {
                    let (name, args_start) = markup.tag_name();
                    let rel = args_start - markup.inner_start;
                    let args = markup.inner.get(rel..).unwrap_or("");
                    let mut toks = std::mem::take(&mut self.toks);
                    tokenize(args, args_start, &mut toks);
                    self.toks = toks;
                    self.tag(name, markup.start);
                }
            }
        }
        self.comments = lexer.comments;
        if let Some(frame) = self.frames.first() {
            let (open, block) = (frame.open, frame.block);
            self.fail(
                open,
                format!(
                    "`{{% {} %}}` is never closed: add `{{% {} %}}`",
                    block.open_tag(),
                    block.end_tag()
                ),
            );
        }
    }

    fn deep(&mut self, offset: usize, what: &str) {
        if self.too_deep.is_none() {
            self.too_deep = Some(SyntaxError {
                message: format!("{what} nested more than {MAX_DEPTH} levels deep"),
                offset,
            });
        }
    }

    fn fail(&mut self, offset: usize, message: String) {
        if self.problem.is_none() {
            self.problem = Some(SyntaxError { message, offset });
        }
    }

    fn text(&self, t: Token) -> &'s str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    fn is_ident(&self, i: usize, word: &str) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == Tok::Ident && self.text(*t) == word)
    }

    /// One `{% name ... %}` tag, whose arguments are in `self.toks`.
    fn tag(&mut self, name: &'s str, start: usize) {
        let n = self.toks.len();
        match name {
            "assign" => self.tag_assign(),
            "capture" => self.tag_capture(start),
            "increment" | "decrement" => self.tag_counter(),
            "echo" => self.chain(0, n),
            "cycle" | "include" | "render" => self.scan(0, n, UseKind::Render, false),
            "if" => self.tag_if(Block::If, start),
            "unless" => self.tag_if(Block::Unless, start),
            "elsif" => self.tag_elsif(start),
            "else" => self.tag_else(start),
            "case" => self.tag_case(start),
            "when" => self.tag_when(start),
            "for" => self.tag_for(Block::For, start),
            "tablerow" => self.tag_for(Block::Tablerow, start),
            "ifchanged" => self.open(Block::Ifchanged, start),
            _ if name.starts_with("end") => self.close(name, start),
            _ if is_known_tag(name) => {}
            _ => self.unknown_tag(name, start),
        }
    }

    /// `assign NAME = chain`: the chain is read, then NAME is a global.
    fn tag_assign(&mut self) {
        let n = self.toks.len();
        let target = self.toks.first().filter(|t| t.kind == Tok::Ident).copied();
        let from = self
            .toks
            .iter()
            .position(|t| t.kind == Tok::Assign)
            .map_or(n, |i| i + 1);
        self.chain(from, n);
        if let Some(t) = target {
            let name = self.text(t);
            self.globals.push(name);
        }
    }

    /// `capture NAME`: opens a block that defines NAME.
    fn tag_capture(&mut self, start: usize) {
        let captured = self.toks.first().map(|t| {
            let text = self.text(*t);
            text.trim_matches(|c| c == '"' || c == '\'')
        });
        self.open(Block::Capture, start);
        if let Some(frame) = self.frames.last_mut() {
            frame.captured = captured;
        }
    }

    /// `increment NAME` / `decrement NAME`: NAME is a global.
    fn tag_counter(&mut self) {
        if let Some(t) = self.toks.first().copied() {
            let name = self.text(t);
            self.globals.push(name);
        }
    }

    /// `if COND` / `unless COND`: opens the block, guarded by what COND proves.
    fn tag_if(&mut self, block: Block, start: usize) {
        let n = self.toks.len();
        let (yes, no) = self.condition(0, n);
        self.open(block, start);
        let (now, later) = if block == Block::If {
            (yes, no)
        } else {
            (no, yes)
        };
        self.guards.extend(now);
        if let Some(frame) = self.frames.last_mut() {
            frame.negated = later;
        }
    }

    /// `elsif COND`: guarded by every earlier branch's negation and COND.
    fn tag_elsif(&mut self, start: usize) {
        let n = self.toks.len();
        let (yes, no) = self.condition(0, n);
        match self.frames.last_mut() {
            Some(frame) if matches!(frame.block, Block::If | Block::Unless) => {
                let guards_len = frame.guards_len;
                let mut now = frame.negated.clone();
                frame.negated.extend(no);
                now.extend(yes);
                self.guards.truncate(guards_len);
                self.guards.extend(now);
            }
            _ => self.fail(start, "`{% elsif %}` outside of an `{% if %}` block".into()),
        }
    }

    /// `else`: guarded by every earlier branch's negation; a loop's variables end.
    fn tag_else(&mut self, start: usize) {
        match self.frames.last_mut() {
            Some(frame) => {
                let guards_len = frame.guards_len;
                let now = std::mem::take(&mut frame.negated);
                if frame.block == Block::For || frame.block == Block::Tablerow {
                    let locals_len = frame.locals_len;
                    self.locals.truncate(locals_len);
                }
                self.guards.truncate(guards_len);
                self.guards.extend(now);
            }
            None => self.fail(start, "`{% else %}` outside of a block".into()),
        }
    }

    /// `case SUBJECT`: opens the block, remembering a data subject for `when`.
    fn tag_case(&mut self, start: usize) {
        let (_, subject) = self.operand(0, UseKind::Test);
        self.open(Block::Case, start);
        if let (Some(frame), Operand::Data(key)) = (self.frames.last_mut(), subject) {
            frame.subject = key;
        }
    }

    /// `when v1, v2 or v3`: the subject equals one of them, so it is present when
    /// they all are.
    fn tag_when(&mut self, start: usize) {
        let n = self.toks.len();
        let mut all_present = n > 0;
        let mut i = 0;
        while i < n {
            let (next, value) = self.operand(i, UseKind::Test);
            all_present &= value == Operand::Lit(Lit::Value);
            i = next.max(i + 1);
            while i < n && (self.toks[i].kind == Tok::Comma || self.is_ident(i, "or")) {
                i += 1;
            }
        }
        match self.frames.last() {
            Some(frame) if frame.block == Block::Case => {
                let (guards_len, subject) = (frame.guards_len, frame.subject);
                self.guards.truncate(guards_len);
                if let (true, Some(key)) = (all_present, subject) {
                    self.guards.push(key);
                }
            }
            _ => self.fail(start, "`{% when %}` outside of a `{% case %}` block".into()),
        }
    }

    /// `for VAR in COLLECTION [reversed] [limit: x] [offset: y] [cols: n]` (and
    /// `tablerow`): the collection is read, then VAR and the loop object are locals.
    fn tag_for(&mut self, block: Block, start: usize) {
        let n = self.toks.len();
        let var = self.toks.first().filter(|t| t.kind == Tok::Ident).copied();
        let from = if self.is_ident(1, "in") { 2 } else { 1.min(n) };
        self.scan(from, n, UseKind::Render, false);
        self.open(block, start);
        if let Some(t) = var {
            let var = self.text(t);
            self.locals.push(var);
        }
        self.locals.push(if block == Block::For {
            "forloop"
        } else {
            "tablerowloop"
        });
    }

    fn open(&mut self, block: Block, start: usize) {
        if self.frames.len() >= MAX_DEPTH {
            self.deep(start, "blocks");
        }
        self.frames.push(Frame {
            block,
            open: start,
            locals_len: self.locals.len(),
            guards_len: self.guards.len(),
            negated: Vec::new(),
            subject: None,
            captured: None,
        });
    }

    fn close(&mut self, name: &str, start: usize) {
        match self.frames.last() {
            Some(frame) if frame.block.end_tag() == name => {
                self.locals.truncate(frame.locals_len);
                self.guards.truncate(frame.guards_len);
                if let Some(captured) = frame.captured {
                    self.globals.push(captured);
                }
                self.frames.pop();
            }
            Some(frame) if is_block_end(name) => {
                let block = frame.block;
                self.fail(
                    start,
                    format!(
                        "`{{% {name} %}}` does not match the open `{{% {} %}}`, which needs `{{% {} %}}`",
                        block.open_tag(),
                        block.end_tag()
                    ),
                );
            }
            _ if is_block_end(name) || name == "endraw" || name == "endcomment" => {
                self.fail(start, format!("`{{% {name} %}}` closes no open block"));
            }
            _ => self.unknown_tag(name, start),
        }
    }

    fn unknown_tag(&mut self, name: &str, start: usize) {
        if name.is_empty() {
            self.fail(start, "empty tag: a tag name is missing after `{%`".into());
            return;
        }
        let hint = did_you_mean(name, KNOWN_TAGS.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        self.fail(start, format!("unknown tag `{name}`{hint}"));
    }

    /// A filter chain `operand | f: args | g` in `toks[from..to]`; uses before the last
    /// `default` filter are guarded.
    fn chain(&mut self, from: usize, to: usize) {
        let default_at = (from..to.saturating_sub(1))
            .rev()
            .find(|&i| self.toks[i].kind == Tok::Pipe && self.is_ident(i + 1, "default"))
            .map(|i| self.toks[i].start);
        let mut i = from;
        while i < to {
            let t = self.toks[i];
            match t.kind {
                Tok::Pipe => {
                    i += 1;
                    if let Some(f) = self.toks.get(i).filter(|f| f.kind == Tok::Ident).copied() {
                        self.filter_name(f);
                        i += 1;
                    }
                }
                Tok::Ident if self.toks.get(i + 1).is_some_and(|n| n.kind == Tok::Colon) => {
                    // a keyword argument's name (`allow_false: true`)
                    i += 2;
                }
                Tok::Ident => {
                    let guarded = default_at.is_some_and(|d| t.start < d);
                    i = self.path(i, UseKind::Render, guarded).0;
                }
                Tok::LBracket => {
                    let end = self.matching(i, Tok::LBracket, Tok::RBracket);
                    self.nested_scan(i + 1, end, UseKind::Render, false);
                    i = end + 1;
                }
                _ => i += 1,
            }
        }
    }

    /// Records every data path in `toks[from..to]` with `kind`; filter names are checked.
    fn scan(&mut self, from: usize, to: usize, kind: UseKind, guarded: bool) {
        let mut i = from;
        let to = to.min(self.toks.len());
        while i < to {
            let t = self.toks[i];
            match t.kind {
                Tok::Pipe => {
                    if let Some(f) = self
                        .toks
                        .get(i + 1)
                        .filter(|f| f.kind == Tok::Ident)
                        .copied()
                    {
                        self.filter_name(f);
                        i += 1;
                    }
                    i += 1;
                }
                Tok::Ident if self.toks.get(i + 1).is_some_and(|n| n.kind == Tok::Colon) => {
                    i += 2;
                }
                Tok::Ident if i > from && self.is_ident(i - 1, "as") => i += 1,
                Tok::Ident => i = self.path(i, kind, guarded).0.max(i + 1),
                _ => i += 1,
            }
        }
    }

    /// [`Self::scan`] one bracket or parenthesis level deeper (not beyond
    /// [`MAX_DEPTH`]).
    fn nested_scan(&mut self, from: usize, to: usize, kind: UseKind, guarded: bool) {
        if self.nesting >= MAX_DEPTH {
            let at = self.toks.get(from.saturating_sub(1)).map_or(0, |t| t.start);
            self.deep(at, "brackets or parentheses");
            return;
        }
        self.nesting += 1;
        self.scan(from, to, kind, guarded);
        self.nesting -= 1;
    }

    fn filter_name(&mut self, f: Token) {
        let name = self.text(f);
        if let Some(instead) = legacy_only_filter(name) {
            let message = format!("`{name}` is a filter of legacy Liquid only, which Customer.io's latest Liquid dropped: {instead}");
            self.fail(f.start, message);
        } else if !is_known_filter(name) {
            let hint = did_you_mean(name, KNOWN_FILTERS.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            self.fail(f.start, format!("unknown filter `{name}`{hint}"));
        }
    }

    /// The index of the token closing the bracket opened at `open` (or `toks.len()`).
    fn matching(&self, open: usize, left: Tok, right: Tok) -> usize {
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            if t.kind == left {
                depth += 1;
            } else if t.kind == right {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
        }
        self.toks.len()
    }

    /// One operand of a condition at `i`: a path, a literal or a range. Returns the
    /// index after it.
    fn operand(&mut self, i: usize, kind: UseKind) -> (usize, Operand<'s>) {
        let Some(t) = self.toks.get(i).copied() else {
            return (i, Operand::Other);
        };
        match t.kind {
            Tok::Ident => self.path(i, kind, false),
            Tok::Str | Tok::Num => (i + 1, Operand::Lit(Lit::Value)),
            Tok::LParen => {
                let end = self.matching(i, Tok::LParen, Tok::RParen);
                self.nested_scan(i + 1, end, kind, false);
                (end + 1, Operand::Other)
            }
            _ => (i + 1, Operand::Other),
        }
    }

    /// A path starting with the identifier at `i` (or a keyword literal). Records a
    /// use when it reads data. Returns the index after it.
    fn path(&mut self, i: usize, kind: UseKind, guarded: bool) -> (usize, Operand<'s>) {
        let head = self.toks[i];
        let name = self.text(head);
        let lit = match name {
            "nil" | "null" => Some(Lit::Nil),
            "blank" => Some(Lit::Blank),
            "empty" => Some(Lit::Empty),
            "false" => Some(Lit::False),
            "true" => Some(Lit::Value),
            _ => None,
        };
        if let Some(lit) = lit {
            if !self
                .toks
                .get(i + 1)
                .is_some_and(|t| matches!(t.kind, Tok::Dot | Tok::LBracket))
            {
                return (i + 1, Operand::Lit(lit));
            }
        }
        let root = match name {
            "event" => Some(Root::Event),
            "customer" => Some(Root::Customer),
            "trigger" => Some(Root::Trigger),
            _ => None,
        }
        .filter(|_| !self.locals.contains(&name) && !self.globals.contains(&name));

        let mut segments: Vec<&'s str> = Vec::new();
        let mut dynamic = false;
        let mut end = head.end;
        let mut j = i + 1;
        loop {
            match self.toks.get(j).map(|t| t.kind) {
                Some(Tok::Dot) => match self.toks.get(j + 1).copied() {
                    Some(seg) if seg.kind == Tok::Ident => {
                        if !dynamic {
                            segments.push(self.text(seg));
                        }
                        end = seg.end;
                        j += 2;
                    }
                    _ => break,
                },
                Some(Tok::LBracket) => {
                    let close = self.matching(j, Tok::LBracket, Tok::RBracket);
                    let inner = &self.toks[j + 1..close.min(self.toks.len())];
                    match inner {
                        [one] if one.kind == Tok::Str || one.kind == Tok::Num => {
                            if !dynamic {
                                let text = self.text(*one);
                                let text = if one.kind == Tok::Str {
                                    text.get(1..text.len().saturating_sub(1)).unwrap_or("")
                                } else {
                                    text
                                };
                                segments.push(text);
                            }
                        }
                        _ => {
                            dynamic = true;
                            self.nested_scan(j + 1, close, kind, guarded);
                        }
                    }
                    end = self.toks.get(close).map_or(end, |t| t.end);
                    j = close + 1;
                }
                _ => break,
            }
        }
        let Some(root) = root else {
            return (j, Operand::Other);
        };
        let key = segments.first().map(|&field| GuardKey {
            root,
            field,
            sub: segments.get(1).copied(),
        });
        let guarded_nested = guarded
            || key.is_some_and(|k| match k.sub {
                Some(_) => self.guards.contains(&k),
                None => self.guards.iter().any(|g| g.same_field(&k)),
            });
        let guarded = guarded || key.is_some_and(|k| self.guards.iter().any(|g| g.same_field(&k)));
        let kind = if dynamic && segments.is_empty() {
            UseKind::Dynamic
        } else {
            kind
        };
        self.uses.push(VariableUse {
            root,
            path: segments.iter().map(|s| (*s).to_owned()).collect(),
            offset: head.start,
            len: end - head.start,
            guarded,
            guarded_nested,
            kind,
        });
        (j, Operand::Data(key))
    }

    /// A condition in `toks[from..to]`: records its uses as tests, and returns what it
    /// establishes when true and when false.
    fn condition(&mut self, from: usize, to: usize) -> (Vec<GuardKey<'s>>, Vec<GuardKey<'s>>) {
        // Clauses joined by and/or, evaluated right to left.
        let mut clauses: Vec<(Vec<GuardKey<'s>>, Vec<GuardKey<'s>>, bool)> = Vec::new();
        let mut i = from;
        while i < to {
            let (next, lhs) = self.operand(i, UseKind::Test);
            i = next.max(i + 1);
            let mut yes = Vec::new();
            let mut no = Vec::new();
            let op = self
                .toks
                .get(i)
                .copied()
                .filter(|t| i < to && (t.kind == Tok::Cmp || self.is_ident(i, "contains")));
            if let Some(op) = op {
                let op = self.text(op);
                let (next, rhs) = self.operand(i + 1, UseKind::Test);
                i = next.max(i + 2);
                for (a, b) in [(lhs, rhs), (rhs, lhs)] {
                    if let Operand::Data(Some(key)) = a {
                        match (op, b) {
                            ("!=" | "<>", Operand::Lit(Lit::Nil | Lit::Blank)) => yes.push(key),
                            ("==", Operand::Lit(Lit::Nil | Lit::Blank)) => no.push(key),
                            ("==", Operand::Lit(Lit::Value | Lit::Empty)) => yes.push(key),
                            ("contains", _) if a == lhs => yes.push(key),
                            _ => {}
                        }
                    }
                }
            } else if let Operand::Data(Some(key)) = lhs {
                yes.push(key);
            }
            let and = if self.is_ident(i, "and") {
                i += 1;
                true
            } else if self.is_ident(i, "or") {
                i += 1;
                false
            } else {
                // Not a connector: read the rest for uses, establish nothing more.
                if i < to {
                    self.scan(i, to, UseKind::Test, false);
                    yes.clear();
                    no.clear();
                    clauses.push((yes, no, true));
                    break;
                }
                true
            };
            clauses.push((yes, no, and));
        }
        let Some((mut yes, mut no, _)) = clauses.pop() else {
            return (Vec::new(), Vec::new());
        };
        while let Some((y, n, and)) = clauses.pop() {
            if and {
                yes.extend(y);
                no = common(no, &n);
            } else {
                yes = common(yes, &y);
                no.extend(n);
            }
        }
        (yes, no)
    }
}

/// `true` for `end` + a block tag name.
fn is_block_end(name: &str) -> bool {
    matches!(
        name,
        "endif"
            | "endunless"
            | "endcase"
            | "endfor"
            | "endtablerow"
            | "endcapture"
            | "endifchanged"
    )
}
