//! The templates' fields, checked when the templates are loaded.
//!
//! handlebars' strict mode only notices a missing field that is printed (`{{titel}}`), and only
//! once a packet is rendered: `{{#if finding}}` (for `findings`) quietly renders nothing. This
//! module walks each template's syntax tree at load time and resolves every path it names against
//! the schema of the view in force at that point: `packet.html` against `Packet`, `summary.html`
//! against `SummaryView`, and each partial wherever it is included, with the context there (so
//! `control.html` inside `{{#each controls}}` is checked against `ControlView`).
//!
//! The schema is traced from the view types themselves, through their `Deserialize`
//! implementations (serde-reflection), so it follows the structs as they change; nothing here
//! lists field names.
//!
//! What the walk models, as handlebars 6 renders it: `{{#each}}`, `{{#with}}` and every partial
//! open a block context (`../` climbs one), `{{#if}}` and `{{#unless}}` do not; `{{else}}` of
//! `each` and `with` is in the outer context; `@index`, `@first`, `@last` (and `@key` over a
//! map) exist inside `each`, and `with` and partials inherit them; block params (`as |x i|`) on
//! `each` and `with`, a partial's context parameter and hash, partial blocks, `@partial-block`
//! and inline partials (`{{#*inline}}`). A path into an `Option<T>` resolves through to `T`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::rc::Rc;

use handlebars::template::{BlockParam, DecoratorTemplate, HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{Handlebars, JsonValue, Path, PathSeg};
use serde::Deserialize;
use serde_reflection::{ContainerFormat, Format, Registry, Tracer, TracerConfig, VariantFormat};

/// The shape of a view value, as a template sees it (its serialised JSON form).
#[derive(Debug)]
pub enum Ty {
    /// A struct, by its Rust name, with its fields in declaration order.
    Struct {
        name: String,
        fields: Vec<(String, Rc<Ty>)>,
    },
    List(Rc<Ty>),
    /// A map from text keys to values of one type.
    Map(Rc<Ty>),
    Option(Rc<Ty>),
    Text,
    Number,
    Bool,
    Null,
    /// A value whose shape the check cannot know (a helper's result, a recursive type): paths
    /// into it are not checked.
    Any,
}

impl Ty {
    fn describe(&self) -> String {
        match self {
            Ty::Struct { name, .. } => name.clone(),
            Ty::List(t) => format!("a list of {}", t.describe()),
            Ty::Map(t) => format!("a map of {}", t.describe()),
            Ty::Option(t) => format!("{} (or null)", t.describe()),
            Ty::Text => "text".into(),
            Ty::Number => "a number".into(),
            Ty::Bool => "true or false".into(),
            Ty::Null => "null".into(),
            Ty::Any => "a value".into(),
        }
    }

    fn field(&self, name: &str) -> Option<&Rc<Ty>> {
        match self {
            Ty::Struct { fields, .. } => fields.iter().find(|(n, _)| n == name).map(|(_, t)| t),
            _ => None,
        }
    }
}

/// `Option<T>` resolves through to `T`.
fn through_option(t: &Rc<Ty>) -> Rc<Ty> {
    let mut t = t.clone();
    while let Ty::Option(inner) = &*t {
        t = inner.clone();
    }
    t
}

/// The schema of `T`, traced from its `Deserialize` implementation.
pub fn schema_of<T: Deserialize<'static>>() -> Result<Rc<Ty>, String> {
    let mut tracer = Tracer::new(TracerConfig::default());
    let (format, _) = tracer.trace_simple_type::<T>().map_err(|e| e.to_string())?;
    let registry = tracer.registry().map_err(|e| e.to_string())?;
    Ok(Converter { registry: &registry, done: BTreeMap::new(), open: Vec::new() }.ty(&format))
}

struct Converter<'r> {
    registry: &'r Registry,
    done: BTreeMap<String, Rc<Ty>>,
    open: Vec<String>,
}

impl Converter<'_> {
    fn ty(&mut self, f: &Format) -> Rc<Ty> {
        Rc::new(match f {
            Format::TypeName(name) => return self.named(name),
            Format::Unit => Ty::Null,
            Format::Bool => Ty::Bool,
            Format::I8
            | Format::I16
            | Format::I32
            | Format::I64
            | Format::I128
            | Format::U8
            | Format::U16
            | Format::U32
            | Format::U64
            | Format::U128
            | Format::F32
            | Format::F64 => Ty::Number,
            Format::Char | Format::Str => Ty::Text,
            Format::Bytes => Ty::List(Rc::new(Ty::Number)),
            Format::Option(t) => Ty::Option(self.ty(t)),
            Format::Seq(t) => Ty::List(self.ty(t)),
            Format::Map { value, .. } => Ty::Map(self.ty(value)),
            Format::TupleArray { content, .. } => Ty::List(self.ty(content)),
            Format::Tuple(_) | Format::Variable(_) => Ty::Any,
        })
    }

    fn named(&mut self, name: &str) -> Rc<Ty> {
        if let Some(t) = self.done.get(name) {
            return t.clone();
        }
        let Some(container) = self.registry.get(name) else { return Rc::new(Ty::Any) };
        if self.open.iter().any(|n| n == name) {
            // A recursive type: below this point the check stops.
            return Rc::new(Ty::Any);
        }
        self.open.push(name.to_string());
        let t = match container {
            ContainerFormat::Struct(fields) => {
                Rc::new(Ty::Struct { name: name.to_string(), fields: fields.iter().map(|f| (f.name.clone(), self.ty(&f.value))).collect() })
            }
            ContainerFormat::NewTypeStruct(inner) => self.ty(inner),
            ContainerFormat::UnitStruct => Rc::new(Ty::Null),
            ContainerFormat::TupleStruct(_) => Rc::new(Ty::List(Rc::new(Ty::Any))),
            // Unit variants serialise as their names; others as objects of varying shape.
            ContainerFormat::Enum(variants) if variants.values().all(|v| matches!(v.value, VariantFormat::Unit)) => Rc::new(Ty::Text),
            ContainerFormat::Enum(_) => Rc::new(Ty::Any),
        };
        self.open.pop();
        self.done.insert(name.to_string(), t.clone());
        t
    }
}

/// A template's text and how problems name it ("built-in packet.html.hbs", or its file path).
pub struct Source {
    pub label: String,
    pub text: String,
}

/// The sources of the registered templates, by template name.
pub type Sources = BTreeMap<String, Source>;

/// One field (or helper, or partial) a template names that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub template: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fix: String,
    /// Where the partial holding the problem was included, innermost first.
    pub included_from: Vec<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template {}, line {}, column {}: {}", self.template, self.line, self.column, self.message)?;
        for at in &self.included_from {
            write!(f, "\n  (included at {at})")?;
        }
        write!(f, "\n  fix: {}", self.fix)
    }
}

/// The helpers handlebars registers; auditpack registers none of its own.
const HELPERS: &[&str] =
    &["if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or", "not", "len"];

/// Check every template in `roots` (name, the type of the view it is rendered with) and the
/// partials they include. Returns the problems in the order met, each once.
pub fn check(hb: &Handlebars<'_>, sources: &Sources, roots: &[(&str, Rc<Ty>)]) -> Vec<Problem> {
    let srcs = sources
        .iter()
        .map(|(name, s)| (name.clone(), Rc::new(Src { label: s.label.clone(), lines: line_starts(&s.text), text: &s.text })))
        .collect();
    let mut c = Checker { hb, srcs, frames: Vec::new(), files: Vec::new(), including: Vec::new(), problems: Vec::new() };
    for (name, ty) in roots {
        let Some(t) = hb.get_template(name) else { continue };
        let src = c.src(name);
        c.files.push(File { src, partial_block: false, included_at: None });
        c.frames.push(Frame::new(ty.clone(), format!("{}, the view {name} is rendered with", ty.describe())));
        c.template(t, 0);
        c.frames.pop();
        c.files.pop();
    }
    let mut seen = BTreeSet::new();
    c.problems.retain(|p| seen.insert((p.template.clone(), p.line, p.column, p.message.clone())));
    c.problems
}

struct Src<'a> {
    label: String,
    text: &'a str,
    lines: Vec<usize>,
}

impl Src<'_> {
    /// Byte offset of a handlebars mapping (1-based line, 1-based column in characters).
    fn offset(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.lines.get(line.saturating_sub(1)) else { return self.text.len() };
        let rest = &self.text[start..];
        start + rest.char_indices().nth(col.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.lines.partition_point(|&s| s <= offset).max(1);
        let start = self.lines[line - 1];
        (line, self.text[start..offset.min(self.text.len())].chars().count() + 1)
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// A template being walked: a root template, or a partial at one place it is included.
struct File<'a> {
    src: Rc<Src<'a>>,
    /// Whether it was included as `{{#> name}}…{{/name}}`, which gives `@partial-block`.
    partial_block: bool,
    included_at: Option<String>,
}

/// One block context, as handlebars pushes them.
struct Frame<'a> {
    ty: Rc<Ty>,
    /// The context in words, for messages.
    what: String,
    locals: Vec<(&'static str, Rc<Ty>)>,
    params: Vec<(String, Rc<Ty>)>,
    inline: Vec<(String, &'a Template, Rc<Src<'a>>)>,
}

impl Frame<'_> {
    fn new(ty: Rc<Ty>, what: String) -> Self {
        Frame { ty, what, locals: Vec::new(), params: Vec::new(), inline: Vec::new() }
    }
}

struct Checker<'a, 'h> {
    hb: &'a Handlebars<'h>,
    srcs: BTreeMap<String, Rc<Src<'a>>>,
    frames: Vec<Frame<'a>>,
    files: Vec<File<'a>>,
    /// The partials being walked, outermost first.
    including: Vec<String>,
    problems: Vec<Problem>,
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// `rest`, led by "did you mean `…`?" when one of `candidates` is close to `name`.
fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>, rest: &str) -> String {
    match crate::util::suggest(name, candidates) {
        Some(s) => {
            let mut chars = rest.chars();
            let rest: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            format!("did you mean `{s}`? {rest}")
        }
        None => rest.to_string(),
    }
}

fn literal_ty(j: &JsonValue) -> Rc<Ty> {
    Rc::new(match j {
        JsonValue::String(_) => Ty::Text,
        JsonValue::Number(_) => Ty::Number,
        JsonValue::Bool(_) => Ty::Bool,
        JsonValue::Null => Ty::Null,
        JsonValue::Array(_) | JsonValue::Object(_) => Ty::Any,
    })
}

/// The raw text of a path as written.
fn path_raw(p: &Path) -> &str {
    match p {
        Path::Relative((_, raw)) | Path::Local((_, _, raw)) => raw,
    }
}

impl<'a> Checker<'a, '_> {
    fn src(&self, name: &str) -> Rc<Src<'a>> {
        self.srcs.get(name).cloned().unwrap_or_else(|| Rc::new(Src { label: name.to_string(), text: "", lines: vec![0] }))
    }

    fn file(&self) -> &File<'a> {
        self.files.last().expect("a template is being walked")
    }

    fn top(&self) -> &Frame<'a> {
        self.frames.last().expect("a context is in force")
    }

    fn problem(&mut self, at: usize, message: String, fix: String) {
        let src = &self.file().src;
        let (line, column) = src.line_col(at);
        let template = src.label.clone();
        let included_from = self.files.iter().rev().filter_map(|f| f.included_at.clone()).collect();
        self.problems.push(Problem { template, line, column, message, fix, included_from });
    }

    /// Where `needle` is written in the tag starting at `tag` (the tag's start when not found).
    fn locate(&self, tag: usize, needle: &str) -> usize {
        let text = self.file().src.text;
        if tag >= text.len() || needle.is_empty() {
            return tag;
        }
        let end = tag_end(text, tag);
        unquoted(text, tag + 2, end)
            .find(|&i| {
                let before_ok = !is_path_char(text[..i].chars().next_back().unwrap_or(' '));
                let after = text[i..].strip_prefix(needle).map(|r| r.chars().next().unwrap_or(' '));
                before_ok && after.is_some_and(|c| !is_path_char(c))
            })
            .unwrap_or(tag)
    }

    fn template(&mut self, t: &'a Template, fallback: usize) {
        for (i, e) in t.elements.iter().enumerate() {
            let at = t.mapping.get(i).map_or(fallback, |m| self.file().src.offset(m.0, m.1));
            self.element(e, at);
        }
    }

    fn element(&mut self, e: &'a TemplateElement, at: usize) {
        match e {
            TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => self.expression(ht, at),
            TemplateElement::HelperBlock(ht) => self.block(ht, at, None),
            TemplateElement::PartialExpression(dt) => self.partial(dt, at, false),
            TemplateElement::PartialBlock(dt) => self.partial(dt, at, true),
            TemplateElement::DecoratorBlock(dt) => self.decorator(dt, at, true),
            TemplateElement::DecoratorExpression(dt) => self.decorator(dt, at, false),
            _ => {}
        }
    }

    fn expression(&mut self, ht: &'a HelperTemplate, at: usize) {
        let name_only = !ht.block && ht.params.is_empty() && ht.hash.is_empty();
        match &ht.name {
            // `{{field}}`, unless the name is a helper's: handlebars calls the helper then.
            Parameter::Path(p) if name_only && !HELPERS.contains(&path_raw(p)) => {
                self.resolve(p, at);
            }
            Parameter::Subexpression(_) if name_only => {
                self.param(&ht.name, at);
            }
            name => {
                let name = name.as_name().unwrap_or_default();
                self.helper(name, &ht.params, ht, at);
            }
        }
    }

    /// A helper call's parameters and hash checked; returns the type of its result.
    fn helper(&mut self, name: &str, params: &'a [Parameter], ht: &'a HelperTemplate, at: usize) -> Rc<Ty> {
        let tys: Vec<Rc<Ty>> = params.iter().map(|p| self.param(p, at)).collect();
        let mut hash: Vec<(&String, &Parameter)> = ht.hash.iter().collect();
        hash.sort_by_key(|(k, _)| *k);
        for (_, p) in hash {
            self.param(p, at);
        }
        if !HELPERS.contains(&name) {
            let rest = format!("the helpers are: {}; a field is written without parameters, as `{{{{{name}}}}}`", HELPERS.join(", "));
            let fix = did_you_mean(name, HELPERS.iter().copied(), &rest);
            self.problem(self.locate(at, name), format!("there is no helper {}", code(name)), fix);
            return Rc::new(Ty::Any);
        }
        let needs = match name {
            "lookup" | "eq" | "ne" | "gt" | "gte" | "lt" | "lte" => 2,
            "if" | "unless" | "each" | "with" | "not" | "len" | "and" | "or" => 1,
            _ => 0,
        };
        if params.len() < needs {
            let fix = format!("give `{name}` {needs} parameter(s), e.g. `{{{{#{name} field}}}}` or `({name} a b)`");
            self.problem(self.locate(at, name), format!("{} needs {needs} parameter(s), it has {}", code(name), params.len()), fix);
            return Rc::new(Ty::Any);
        }
        match name {
            "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "and" | "or" | "not" => Rc::new(Ty::Bool),
            "len" => Rc::new(Ty::Number),
            "lookup" => self.lookup(&tys[0], &params[0], &params[1], at),
            _ => Rc::new(Ty::Any),
        }
    }

    fn lookup(&mut self, coll: &Rc<Ty>, coll_p: &Parameter, key: &Parameter, at: usize) -> Rc<Ty> {
        let coll = through_option(coll);
        match (&*coll, key) {
            (Ty::List(t) | Ty::Map(t), _) => t.clone(),
            (Ty::Struct { name, fields }, Parameter::Literal(JsonValue::String(k))) => match coll.field(k) {
                Some(t) => t.clone(),
                None => {
                    let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
                    let fix = did_you_mean(k, names.iter().map(String::as_str), &format!("the fields of {name} are: {}", list(&names)));
                    self.problem(self.locate(at, "lookup"), format!("`lookup` names {}, which is not a field of {name}", code(k)), fix);
                    Rc::new(Ty::Any)
                }
            },
            (Ty::Text | Ty::Number | Ty::Bool | Ty::Null, _) => {
                let what = coll_p.as_name().unwrap_or("its first parameter").to_string();
                let fix = "give `lookup` a list or an object, then an index or a field name".to_string();
                self.problem(self.locate(at, "lookup"), format!("`lookup` looks into {}, which is {}", code(&what), coll.describe()), fix);
                Rc::new(Ty::Any)
            }
            _ => Rc::new(Ty::Any),
        }
    }

    fn param(&mut self, p: &'a Parameter, at: usize) -> Rc<Ty> {
        match p {
            Parameter::Path(path) => self.resolve(path, at),
            Parameter::Literal(j) => literal_ty(j),
            Parameter::Subexpression(s) => match s.as_element() {
                TemplateElement::Expression(ht) => {
                    let name = ht.name.as_name().unwrap_or_default();
                    self.helper(name, &ht.params, ht, at)
                }
                _ => Rc::new(Ty::Any),
            },
            _ => Rc::new(Ty::Any),
        }
    }

    /// The frame `up` block contexts above the current one, if there is one.
    fn frame_up(&self, up: usize) -> Option<&Frame<'a>> {
        self.frames.len().checked_sub(up + 1).and_then(|i| self.frames.get(i))
    }

    fn resolve(&mut self, path: &Path, at: usize) -> Rc<Ty> {
        let raw = path_raw(path).to_string();
        let at = self.locate(at, &raw);
        match path {
            Path::Local((level, name, _)) => self.local(*level, name, &raw, at),
            Path::Relative((segs, _)) => {
                let (mut root, mut up) = (false, 0usize);
                let mut names: Vec<&str> = Vec::new();
                for seg in segs {
                    match seg {
                        PathSeg::Named(n) => names.push(n),
                        // handlebars does not name its grammar's rules; their Debug form is it.
                        PathSeg::Ruled(rule) => match format!("{rule:?}").as_str() {
                            "path_root" => root = true,
                            "path_up" => up += 1,
                            _ => return Rc::new(Ty::Any),
                        },
                        _ => return Rc::new(Ty::Any),
                    }
                }
                // Block params are looked up first, in every enclosing block (as handlebars does).
                if !root {
                    if let Some(first) = names.first() {
                        let param =
                            self.frames.iter().rev().find_map(|f| f.params.iter().find(|(n, _)| n == first).map(|(_, t)| t.clone()));
                        if let Some(t) = param {
                            return self.walk(t, &names[1..], first, &raw, at, None);
                        }
                    }
                }
                let (base, what) = if root {
                    (self.frames[0].ty.clone(), self.frames[0].what.clone())
                } else {
                    match self.frame_up(up) {
                        Some(f) => (f.ty.clone(), f.what.clone()),
                        None => {
                            let enclosing = self.frames.len() - 1;
                            let fix = format!(
                                "{enclosing} block context(s) enclose this point (`{{{{#each}}}}`, `{{{{#with}}}}` and partials open one); use fewer `../`, or `@root.` for the view's fields"
                            );
                            self.problem(at, format!("{} climbs {up} block context(s) above this point", code(&raw)), fix);
                            return Rc::new(Ty::Any);
                        }
                    }
                };
                let hint_enclosing = !root && up == 0;
                self.walk(base, &names, "", &raw, at, Some((what, hint_enclosing)))
            }
        }
    }

    fn local(&mut self, level: usize, name: &str, raw: &str, at: usize) -> Rc<Ty> {
        let Some(frame) = self.frame_up(level) else {
            self.problem(at, format!("{} climbs above the outermost block context", code(raw)), "use fewer `../`".into());
            return Rc::new(Ty::Any);
        };
        if let Some((_, t)) = frame.locals.iter().find(|(n, _)| *n == name) {
            return t.clone();
        }
        let here: Vec<String> = frame.locals.iter().map(|(n, _)| format!("@{n}")).collect();
        let fix = if name == "root" {
            "`@root` alone is not a value: write `@root.FIELD` for a field of the view".to_string()
        } else if here.is_empty() {
            let rest = "no data variable exists here: `@index`, `@first` and `@last` exist inside `{{#each}}` (and `@key` over a map); `@root.FIELD` names a field of the view";
            did_you_mean(name, ["index", "first", "last", "key"], rest)
        } else {
            did_you_mean(name, frame.locals.iter().map(|(n, _)| *n), &format!("the data variables here are: {}", list(&here)))
        };
        self.problem(at, format!("{} does not exist here", code(raw)), fix);
        Rc::new(Ty::Any)
    }

    /// Walk `names` down from `base`. `prefix` is what was already walked (for messages); `ctx`
    /// is the context in words when `base` is a block context (and whether to hint at enclosing
    /// contexts that have the field).
    fn walk(&mut self, base: Rc<Ty>, names: &[&str], prefix: &str, raw: &str, at: usize, ctx: Option<(String, bool)>) -> Rc<Ty> {
        let mut ty = base;
        let mut walked = prefix.to_string();
        // Where in the path each segment is written, for the column.
        let mut cursor = 0;
        for (i, n) in names.iter().enumerate() {
            let seg_at = match raw[cursor..].find(n) {
                Some(k) => {
                    cursor += k + n.len();
                    at + cursor - n.len()
                }
                None => at,
            };
            ty = through_option(&ty);
            let next = match &*ty {
                Ty::Struct { name, fields } => match ty.field(n) {
                    Some(t) => t.clone(),
                    None => {
                        let names_here: Vec<String> = fields.iter().map(|(f, _)| f.clone()).collect();
                        let message = match (&ctx, i) {
                            (Some((what, _)), 0) => format!("{} is not a field of {what}", code(n)),
                            _ => format!("{} is not a field of {} ({name})", code(n), code(&walked)),
                        };
                        let fields = format!("the fields of {name} are: {}", list(&names_here));
                        let mut fix = did_you_mean(n, names_here.iter().map(String::as_str), &fields);
                        if let (Some((_, true)), 0) = (&ctx, i) {
                            if let Some(hint) = self.elsewhere(n, &ty) {
                                fix.push_str(&format!("; {hint}"));
                            }
                        }
                        fix.push_str(" (docs/templates.md lists the fields)");
                        self.problem(seg_at, message, fix);
                        return Rc::new(Ty::Any);
                    }
                },
                Ty::List(t) if n.parse::<usize>().is_ok() => t.clone(),
                Ty::Map(t) => t.clone(),
                Ty::Any => return ty,
                other => {
                    let whole = if walked.is_empty() { "this".to_string() } else { walked.clone() };
                    let fix = match other {
                        Ty::List(_) => format!("a list has no fields: loop over it with `{{{{#each {whole}}}}}…{{{{{n}}}}}…{{{{/each}}}}`"),
                        _ => format!("{} has no fields; write `{{{{{whole}}}}}` to print it", code(&whole)),
                    };
                    self.problem(seg_at, format!("{} goes into {}, which is {}", code(raw), code(&whole), other.describe()), fix);
                    return Rc::new(Ty::Any);
                }
            };
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(n);
            ty = next;
        }
        ty
    }

    /// Where a field missing from the current context does exist: an enclosing context, or
    /// inside a list or struct of the current one.
    fn elsewhere(&self, name: &str, here: &Rc<Ty>) -> Option<String> {
        for up in 1..self.frames.len() {
            let f = &self.frames[self.frames.len() - 1 - up];
            if through_option(&f.ty).field(name).is_some() {
                let ups = "../".repeat(up);
                let root = if self.frames.len() - 1 - up == 0 { format!(" or `{{{{@root.{name}}}}}`") } else { String::new() };
                return Some(format!("it is a field of the enclosing context {}: write `{{{{{ups}{name}}}}}`{root}", f.what));
            }
        }
        // Breadth first: the shortest way down to a struct with the field.
        let mut queue: VecDeque<(Rc<Ty>, Steps)> = VecDeque::from([(here.clone(), Vec::new())]);
        while let Some((t, steps)) = queue.pop_front() {
            if steps.len() > 3 {
                break;
            }
            let t = through_option(&t);
            let Ty::Struct { fields, .. } = &*t else { continue };
            if !steps.is_empty() && t.field(name).is_some() {
                return Some(format!("it is a field further down: `{}`", spell(&steps, name)));
            }
            for (f, ft) in fields {
                let ft = through_option(ft);
                let mut s = steps.clone();
                match &*ft {
                    Ty::List(el) => {
                        s.push((f.clone(), true));
                        queue.push_back((el.clone(), s));
                    }
                    Ty::Struct { .. } => {
                        s.push((f.clone(), false));
                        queue.push_back((ft.clone(), s));
                    }
                    _ => {}
                }
            }
        }
        None
    }

    fn block(&mut self, ht: &'a HelperTemplate, at: usize, elses: Option<&[usize]>) {
        let name = ht.name.as_name().unwrap_or_default().to_string();
        let bp_ok = matches!(name.as_str(), "each" | "with");
        if ht.block_param.is_some() && !bp_ok {
            let fix = "block params are supported on `{{#each}}` and `{{#with}}` only".to_string();
            self.problem(self.locate(at, "as"), format!("`{{{{#{name}}}}}` takes no block params (`as |…|`)"), fix);
        }
        let inner_at = at;
        match name.as_str() {
            "each" | "with" if !ht.params.is_empty() => {
                let raw = ht.params[0].as_name().unwrap_or("its parameter").to_string();
                let ty = through_option(&self.param(&ht.params[0], at));
                let (line, _) = self.file().src.line_col(at);
                let label = self.file().src.label.clone();
                let what_of = |t: &Ty| format!("{}, the context inside `{{{{#{name} {raw}}}}}` ({label}, line {line})", t.describe());
                let frame = if name == "each" {
                    let number = || Rc::new(Ty::Number);
                    let boolean = || Rc::new(Ty::Bool);
                    let mut locals = vec![("index", number()), ("first", boolean()), ("last", boolean())];
                    let (elem, key) = match &*ty {
                        Ty::List(t) => (t.clone(), number()),
                        Ty::Map(t) => {
                            locals.push(("key", Rc::new(Ty::Text)));
                            (t.clone(), Rc::new(Ty::Text))
                        }
                        Ty::Any => {
                            locals.push(("key", Rc::new(Ty::Text)));
                            (ty.clone(), Rc::new(Ty::Any))
                        }
                        other => {
                            let fix = match other {
                                Ty::Struct { .. } => format!("`{{{{#with {raw}}}}}` enters a struct; `{{{{#each}}}}` loops over a list"),
                                _ => format!("`{{{{#each}}}}` loops over a list; print this value with `{{{{{raw}}}}}`"),
                            };
                            self.problem(self.locate(at, &raw), format!("{} is {}, not a list", code(&raw), other.describe()), fix);
                            (Rc::new(Ty::Any), Rc::new(Ty::Any))
                        }
                    };
                    let mut f = Frame::new(elem.clone(), what_of(&elem));
                    f.locals = locals;
                    match &ht.block_param {
                        Some(BlockParam::Single(v)) => f.params.push((v.as_name().unwrap_or_default().to_string(), elem)),
                        Some(BlockParam::Pair((v, k))) => {
                            f.params.push((v.as_name().unwrap_or_default().to_string(), elem));
                            f.params.push((k.as_name().unwrap_or_default().to_string(), key));
                        }
                        _ => {}
                    }
                    f
                } else {
                    let mut f = Frame::new(ty.clone(), what_of(&ty));
                    f.locals = self.top().locals.clone();
                    match &ht.block_param {
                        Some(BlockParam::Single(v)) => f.params.push((v.as_name().unwrap_or_default().to_string(), ty.clone())),
                        Some(_) => {
                            let fix = "write `{{#with value as |name|}}`".to_string();
                            self.problem(self.locate(at, "as"), "`{{#with}}` takes one block param".into(), fix);
                        }
                        None => {}
                    }
                    f
                };
                self.frames.push(frame);
                if let Some(t) = &ht.template {
                    self.template(t, inner_at);
                }
                self.frames.pop();
            }
            // Raw blocks hold text only.
            "raw" => {}
            _ => {
                self.helper(&name, &ht.params, ht, at);
                if !HELPERS.contains(&name.as_str()) {
                    // Its content's context is unknown: not checked, rather than guessed.
                    return;
                }
                if let Some(t) = &ht.template {
                    self.template(t, inner_at);
                }
            }
        }
        if let Some(inv) = &ht.inverse {
            let scanned;
            let elses = match elses {
                Some(e) => e,
                None => {
                    scanned = else_tags(self.file().src.text, at);
                    &scanned[..]
                }
            };
            let else_at = elses.first().copied().unwrap_or(at);
            match chained(inv) {
                Some(next) => self.block(next, else_at, Some(elses.get(1..).unwrap_or_default())),
                None => self.template(inv, else_at),
            }
        }
    }

    fn partial(&mut self, dt: &'a DecoratorTemplate, at: usize, with_block: bool) {
        let name = match &dt.name {
            Parameter::Name(n) => n.clone(),
            Parameter::Path(p) => path_raw(p).to_string(),
            Parameter::Literal(JsonValue::String(s)) => s.clone(),
            _ => {
                let fix = "name the partial literally, e.g. `{{> control.html}}`".to_string();
                self.problem(at, "a partial named by an expression cannot be checked".into(), fix);
                return;
            }
        };
        let block = if with_block { dt.template.as_ref() } else { None };
        if name == "@partial-block" {
            if let Some(fallback) = block {
                self.template(fallback, at);
            } else if !self.file().partial_block {
                let fix = "include this partial as `{{#> name}}…{{/name}}`, or remove `{{> @partial-block}}`".to_string();
                self.problem(self.locate(at, &name), "`@partial-block` is used where the partial was included without a block".into(), fix);
            }
            return;
        }
        let inline = self.frames.iter().rev().find_map(|f| f.inline.iter().find(|(n, _, _)| *n == name).map(|(_, t, s)| (*t, s.clone())));
        let target = inline.or_else(|| self.hb.get_template(&name).map(|t| (t, self.src(&name))));
        if target.is_none() && block.is_none() {
            let mut known: Vec<String> = self.hb.get_templates().keys().cloned().collect();
            known.extend(self.frames.iter().flat_map(|f| f.inline.iter().map(|(n, _, _)| n.clone())));
            known.sort();
            let rest = format!("the partials are: {} (a file NAME.hbs in the --templates directory is the partial NAME)", list(&known));
            let fix = did_you_mean(&name, known.iter().map(String::as_str), &rest);
            self.problem(self.locate(at, &name), format!("there is no partial {}", code(&name)), fix);
            return;
        }
        if target.is_some() && self.including.contains(&name) {
            let fix = "a partial cannot include itself, directly or through another".to_string();
            self.problem(self.locate(at, &name), format!("partial {} includes itself", code(&name)), fix);
            return;
        }
        // The partial's context: its parameter, or the current context; its hash adds fields.
        let base = match dt.params.first() {
            Some(p) => through_option(&self.param(p, at)),
            None => self.top().ty.clone(),
        };
        let mut hash: Vec<(String, Rc<Ty>)> = Vec::new();
        let mut keys: Vec<&String> = dt.hash.keys().collect();
        keys.sort();
        for k in keys {
            let t = self.param(&dt.hash[k], at);
            hash.push((k.clone(), t));
        }
        let ty = if hash.is_empty() {
            base
        } else {
            match &*base {
                Ty::Any => base,
                Ty::Struct { name, fields } => {
                    let mut fields: Vec<(String, Rc<Ty>)> =
                        fields.iter().filter(|(n, _)| !hash.iter().any(|(k, _)| k == n)).cloned().collect();
                    fields.extend(hash.iter().cloned());
                    Rc::new(Ty::Struct { name: name.clone(), fields })
                }
                _ => Rc::new(Ty::Struct { name: format!("the hash of `{{{{> {name}}}}}`"), fields: hash.clone() }),
            }
        };
        let what = if dt.params.is_empty() && hash.is_empty() {
            self.top().what.clone()
        } else {
            format!("{}, the context given to partial `{name}`", ty.describe())
        };
        let mut frame = Frame::new(ty, what);
        frame.locals = self.top().locals.clone();
        frame.params = hash;
        self.frames.push(frame);
        if let Some(content) = block {
            // The block is rendered in the partial's context (before the partial, or as its
            // fallback when there is no such partial).
            self.template(content, at);
        }
        if let Some((t, src)) = target {
            let (line, column) = self.file().src.line_col(at);
            let included_at = Some(format!("{}, line {line}, column {column}", self.file().src.label));
            self.files.push(File { src, partial_block: block.is_some(), included_at });
            self.including.push(name);
            self.template(t, 0);
            self.including.pop();
            self.files.pop();
        }
        self.frames.pop();
    }

    fn decorator(&mut self, dt: &'a DecoratorTemplate, at: usize, block: bool) {
        let name = dt.name.as_name().unwrap_or_default().to_string();
        if block && name == "inline" {
            if let (Some(Parameter::Literal(JsonValue::String(partial))), Some(t)) = (dt.params.first(), &dt.template) {
                let src = self.file().src.clone();
                self.frames.last_mut().expect("a context is in force").inline.push((partial.clone(), t, src));
                return;
            }
            let fix = "write `{{#*inline \"name\"}}…{{/inline}}`".to_string();
            self.problem(self.locate(at, &name), "an inline partial needs its name as a quoted string".into(), fix);
            return;
        }
        let fix = "the only decorator is `{{#*inline \"name\"}}…{{/inline}}`".to_string();
        self.problem(self.locate(at, &name), format!("there is no decorator {}", code(&name)), fix);
    }
}

/// The fields walked down to reach a struct, each with whether it is a list.
type Steps = Vec<(String, bool)>;

/// `{{#each a}}{{#each b}}{{name}}{{/each}}{{/each}}`, or `{{a.name}}`, for the steps down to a
/// field.
fn spell(steps: &[(String, bool)], name: &str) -> String {
    let (mut open, mut close, mut dotted) = (String::new(), String::new(), String::new());
    for (field, is_list) in steps {
        if !dotted.is_empty() {
            dotted.push('.');
        }
        dotted.push_str(field);
        if *is_list {
            open.push_str(&format!("{{{{#each {dotted}}}}}"));
            close.insert_str(0, "{{/each}}");
            dotted.clear();
        }
    }
    let field = if dotted.is_empty() { name.to_string() } else { format!("{dotted}.{name}") };
    format!("{open}{{{{{field}}}}}{close}")
}

/// The next node of an `{{else if …}}` chain: handlebars stores it as the only element of an
/// inverse template that has no position mapping.
fn chained(inv: &Template) -> Option<&HelperTemplate> {
    match inv.elements.as_slice() {
        [TemplateElement::HelperBlock(next)] if inv.mapping.is_empty() && next.is_chained() => Some(next),
        _ => None,
    }
}

/// A character of a handlebars identifier.
fn is_symbol_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '$' | ':')
}

/// A character that continues a path (so a match of a shorter path next to it is not that path).
fn is_path_char(c: char) -> bool {
    is_symbol_char(c) || matches!(c, '.' | '/' | '@' | '[' | ']')
}

/// The end (exclusive) of the tag that starts at `start` (at `{{`).
fn tag_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let find = |pat: &str, from: usize| rest.get(from..).and_then(|r| r.find(pat)).map_or(text.len(), |i| start + from + i + pat.len());
    if rest.starts_with("{{{{") {
        return find("}}}}", 4);
    }
    if rest.starts_with("{{!--") {
        return find("--}}", 5);
    }
    if rest.starts_with("{{!") {
        return find("}}", 3);
    }
    let close = if rest.starts_with("{{{") { "}}}" } else { "}}" };
    unquoted(text, start + 2, text.len()).find(|&i| text[i..].starts_with(close)).map_or(text.len(), |i| i + close.len())
}

/// The byte positions in `text[from..to]` that start a character outside a quoted string (the
/// quote characters themselves left out; `\` escapes inside quotes).
fn unquoted(text: &str, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = from;
    std::iter::from_fn(move || {
        while i < to.min(bytes.len()) {
            let at = i;
            i += 1;
            if !text.is_char_boundary(at) {
                continue;
            }
            let b = bytes[at];
            match quote {
                Some(q) => {
                    if b == b'\\' {
                        i += 1;
                    } else if b == q {
                        quote = None;
                    }
                }
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None => return Some(at),
            }
        }
        None
    })
}

/// Where the `{{else}}` / `{{else if …}}` tags of the block starting at `start` are, in order
/// (handlebars keeps no position for the chained ones).
fn else_tags(text: &str, start: usize) -> Vec<usize> {
    let mut out = Vec::new();
    if !text.get(start..).is_some_and(|r| r.starts_with("{{")) {
        return out;
    }
    let mut i = tag_end(text, start);
    let mut depth = 0usize;
    while let Some(j) = text.get(i..).and_then(|r| r.find("{{")) {
        let s = i + j;
        if text[..s].ends_with('\\') {
            i = s + 2;
            continue;
        }
        let end = tag_end(text, s);
        let inner = text[s + 2..end].trim_start_matches(|c: char| c == '~' || c == '{' || c.is_whitespace());
        if text[s..].starts_with("{{{{") && !inner.starts_with('/') {
            // A raw block: its text holds no tags.
            i = text[end..].find("{{{{/").map_or(text.len(), |k| tag_end(text, end + k));
            continue;
        }
        if inner.starts_with('#') {
            depth += 1;
        } else if inner.starts_with('/') {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if depth == 0 && (inner.starts_with('^') || inner.strip_prefix("else").is_some_and(|r| !r.starts_with(is_symbol_char))) {
            out.push(s);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::html::BUILTIN;
    use crate::render::summary::SummaryView;
    use crate::render::view::Packet;

    /// The built-in templates with some replaced or added (name without `.hbs`, text), checked
    /// as `HtmlRenderer::new` checks them. Replaced and added ones are labelled `user/NAME.hbs`.
    fn check_with(files: &[(&str, &str)]) -> Vec<Problem> {
        let (hb, sources) = registry(files);
        let roots = [("packet.html", schema_of::<Packet>().unwrap()), ("summary.html", schema_of::<SummaryView>().unwrap())];
        check(&hb, &sources, &roots)
    }

    fn registry(files: &[(&str, &str)]) -> (Handlebars<'static>, Sources) {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        let mut sources = Sources::new();
        for (file, text) in BUILTIN {
            let name = file.strip_suffix(".hbs").unwrap();
            sources.insert(name.into(), Source { label: format!("built-in {file}"), text: text.to_string() });
        }
        for (name, text) in files {
            sources.insert(name.to_string(), Source { label: format!("user/{name}.hbs"), text: text.to_string() });
        }
        for (name, s) in &sources {
            hb.register_template_string(name, &s.text).unwrap();
        }
        (hb, sources)
    }

    /// The report of the demo bundle.
    fn demo_report() -> crate::report::Report {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-evidence");
        let bundle = crate::evidence::Bundle::open(&dir).unwrap();
        let catalog = crate::mappings::Catalog::load(None).unwrap();
        let frameworks: Vec<&crate::mappings::Framework> = catalog.frameworks.iter().collect();
        crate::report::build(&bundle, &frameworks, &catalog.service_models)
    }

    /// Templates the check accepts must also render in strict mode: the check models handlebars.
    fn renders(files: &[(&str, &str)]) {
        let (hb, _) = registry(files);
        let report = demo_report();
        let mut packet = Packet::new(&report, &report.frameworks[0]);
        packet.prepared_by = Some("A. Auditor".into());
        if let Err(e) = hb.render("packet.html", &packet) {
            panic!("{e}");
        }
    }

    fn builtin(name: &str) -> String {
        BUILTIN.iter().find(|(f, _)| f.strip_suffix(".hbs") == Some(name)).unwrap().1.to_string()
    }

    /// 1-based line and column of the first `needle` in `text`, after the first `after`.
    fn pos(text: &str, after: &str, needle: &str) -> (usize, usize) {
        let from = text.find(after).expect("anchor in text");
        let at = from + text[from..].find(needle).expect("needle in text");
        let line = text[..at].matches('\n').count() + 1;
        let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
        (line, col)
    }

    fn one(problems: &[Problem]) -> &Problem {
        assert_eq!(problems.len(), 1, "{problems:#?}");
        &problems[0]
    }

    /// A packet with one extra snippet right after `<main>`, at the packet's root context.
    fn packet_with(snippet: &str) -> String {
        builtin("packet.html").replacen("<main>", &format!("<main>{snippet}"), 1)
    }

    #[test]
    fn builtin_templates_pass() {
        assert_eq!(check_with(&[]), vec![]);
        assert!(crate::render::html::HtmlRenderer::new(None).is_ok());
    }

    #[test]
    fn if_on_a_missing_field_in_the_check_loop_names_file_line_column_and_the_field() {
        let control = builtin("control.html").replace("{{#if findings}}", "{{#if finding}}");
        let problems = check_with(&[("control.html", &control)]);
        let p = one(&problems);
        assert_eq!(p.template, "user/control.html.hbs");
        assert_eq!((p.line, p.column), pos(&control, "{{#if finding}}", "finding}}"));
        assert!(p.message.contains("`finding` is not a field of CheckView"), "{p}");
        assert!(p.message.contains("{{#each checks}}"), "{p}");
        assert!(p.fix.starts_with("did you mean `findings`?"), "{p}");
        assert!(p.fix.contains("severity"), "the fields there are listed: {p}");
        let (line, column) = pos(&builtin("packet.html"), "{{#each controls}}\n  {{> control.html}}", "{{> control.html}}");
        assert_eq!(p.included_from, vec![format!("built-in packet.html.hbs, line {line}, column {column}")]);
        let shown = p.to_string();
        assert!(shown.starts_with(&format!("template user/control.html.hbs, line {}, column {}: ", p.line, p.column)), "{shown}");
        assert!(shown.contains("\n  fix: did you mean `findings`?"), "{shown}");
    }

    #[test]
    fn each_over_a_missing_list_is_rejected() {
        let packet = builtin("packet.html").replace("{{#each controls}}\n  {{> control.html}}", "{{#each controlz}}\n  {{> control.html}}");
        let p = one(&check_with(&[("packet.html", &packet)])).clone();
        assert_eq!((p.line, p.column), pos(&packet, "{{#each controlz}}", "controlz"));
        assert!(p.message.contains("`controlz` is not a field of Packet"), "{p}");
        assert!(p.fix.starts_with("did you mean `controls`?"), "{p}");
    }

    #[test]
    fn a_printed_typo_is_caught_at_load() {
        let p = one(&check_with(&[("control.html", "<p>{{titel}}</p>")])).clone();
        assert_eq!((p.template.as_str(), p.line, p.column), ("user/control.html.hbs", 1, 6));
        assert!(p.message.contains("`titel` is not a field of ControlView"), "{p}");
        assert!(p.fix.starts_with("did you mean `title`?"), "{p}");
        // Columns count characters, as handlebars' own errors do.
        let p = one(&check_with(&[("control.html", "<p>Stärke – {{#if (eq \"ö\" tïtle)}}{{/if}}</p>")])).clone();
        assert_eq!((p.line, p.column), (1, 27), "{p}");
        assert!(p.message.contains("`tïtle` is not a field of ControlView"), "{p}");
    }

    #[test]
    fn parent_paths_resolve_one_block_context_up() {
        // Inside the check loop of control.html, `../` is the control; `../../` the partial's
        // own block, still the control; `../../../` the packet.
        let ok = "{{#each checks}}{{../status_reason}}{{../../anchor}}{{../../../framework_name}}{{/each}}";
        assert_eq!(check_with(&[("control.html", ok)]), vec![]);
        renders(&[("control.html", ok)]);
        let bad = "{{#each checks}}{{../nope}}{{/each}}";
        let p = one(&check_with(&[("control.html", bad)])).clone();
        assert_eq!(p.column, 22, "the column of the missing segment: {p}");
        assert!(p.message.contains("`nope` is not a field of ControlView"), "{p}");
        let above = packet_with("{{../title}}");
        let p = one(&check_with(&[("packet.html", &above)])).clone();
        assert!(p.message.contains("`../title` climbs 1 block context(s) above this point"), "{p}");
    }

    #[test]
    fn with_enters_its_object_and_requires_it() {
        let summary = builtin("summary.html").replacen(
            "<main class=\"summary\">",
            "<main class=\"summary\">{{#with chart}}{{title}}{{svg_height}}{{titel}}{{/with}}",
            1,
        );
        let p = one(&check_with(&[("summary.html", &summary)])).clone();
        assert_eq!((p.line, p.column), pos(&summary, "{{#with chart}}", "titel"));
        assert!(p.message.contains("`titel` is not a field of Chart, the context inside `{{#with chart}}`"), "{p}");
        assert!(p.fix.starts_with("did you mean `title`?"), "{p}");
        let p = one(&check_with(&[("packet.html", &packet_with("{{#with chart}}{{title}}{{/with}}"))])).clone();
        assert!(p.message.contains("`chart` is not a field of Packet"), "{p}");
    }

    #[test]
    fn a_field_of_another_level_is_rejected_with_where_it_is() {
        let p = one(&check_with(&[("packet.html", &packet_with("{{status_reason}}"))])).clone();
        assert!(p.message.contains("`status_reason` is not a field of Packet"), "{p}");
        assert!(p.fix.contains("{{#each controls}}{{status_reason}}{{/each}}"), "{p}");
        // And a packet field inside the control loop points up.
        let p = one(&check_with(&[("control.html", "{{framework_name}}")])).clone();
        // `../` is the control again (the partial opens a block context), `../../` the packet.
        assert!(p.fix.contains("`{{../../framework_name}}` or `{{@root.framework_name}}`"), "{p}");
    }

    #[test]
    fn unknown_helpers_and_partials_are_rejected() {
        let p = one(&check_with(&[("packet.html", &packet_with("{{#iff title}}x{{/iff}}"))])).clone();
        assert!(p.message.contains("there is no helper `iff`"), "{p}");
        assert!(p.fix.starts_with("did you mean `if`?"), "{p}");
        let p = one(&check_with(&[("packet.html", &packet_with("{{upper title}}"))])).clone();
        assert!(p.message.contains("there is no helper `upper`"), "{p}");
        let p = one(&check_with(&[("packet.html", &packet_with("{{#if (title)}}x{{/if}}"))])).clone();
        assert!(p.message.contains("there is no helper `title`"), "a subexpression calls a helper: {p}");
        let packet = packet_with("{{> contrl.html}}");
        let p = one(&check_with(&[("packet.html", &packet)])).clone();
        assert!(p.message.contains("there is no partial `contrl.html`"), "{p}");
        assert!(p.fix.starts_with("did you mean `control.html`?"), "{p}");
        assert_eq!((p.line, p.column), pos(&packet, "{{> contrl.html}}", "contrl.html"));
    }

    #[test]
    fn a_user_partial_is_checked_where_it_is_included() {
        let packet = builtin("packet.html").replace("{{> control.html}}", "{{> control.html}}{{> mine}}");
        let mine = "<p>{{status_reason}} {{#each checks}}{{remediation}}{{/each}}</p>\n<p>{{titel}}</p>";
        let p = one(&check_with(&[("packet.html", &packet), ("mine", mine)])).clone();
        assert_eq!((p.template.as_str(), p.line, p.column), ("user/mine.hbs", 2, 6));
        assert!(p.message.contains("`titel` is not a field of ControlView"), "{p}");
        // Included at the packet's root instead, the same partial is checked against Packet.
        let packet = packet_with("{{> mine}}");
        let problems = check_with(&[("packet.html", &packet), ("mine", mine)]);
        assert!(problems.iter().any(|p| p.message.contains("`status_reason` is not a field of Packet")), "{problems:#?}");
        // A partial nobody includes is not checked.
        assert_eq!(check_with(&[("unused", "{{nothing}}")]), vec![]);
    }

    #[test]
    fn data_variables_this_root_and_helpers_are_accepted() {
        let ok = packet_with(concat!(
            "{{#each model_names}}{{@index}}{{this}}{{#if @first}}first{{/if}}{{#unless @last}}, {{/unless}}{{@root.title}}{{/each}}",
            "{{this.title}}{{./title}}{{@root.title}}",
            "{{#each controls as |c i|}}{{c.title}}{{i}}{{#each c.checks}}{{c.id}}{{id}}{{@../index}}{{/each}}{{/each}}",
            "{{#with prepared_by as |who|}}{{who}}{{/with}}",
            "{{#if (eq total_controls 0)}}none{{else if (gt (len controls) 10)}}many{{else}}some{{/if}}",
            "{{lookup model_names 0}}{{#with (lookup controls 0)}}{{status_label}}{{/with}}",
            "{{#each gaps}}{{api}}{{else}}no gaps{{title}}{{/each}}",
            "{{> style.css}}{{!-- {{nope}} --}}{{{{raw}}}}{{nope}}{{{{/raw}}}}",
        ));
        assert_eq!(check_with(&[("packet.html", &ok)]), vec![]);
        renders(&[("packet.html", &ok)]);
    }

    #[test]
    fn else_if_chains_are_checked_at_their_own_position() {
        let packet = packet_with("{{#if period}}p{{else if perod}}q{{else if (eq tool \"x\")}}r{{else}}{{titel}}{{/if}}");
        let problems = check_with(&[("packet.html", &packet)]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert_eq!((problems[0].line, problems[0].column), pos(&packet, "{{else if perod}}", "perod"));
        assert!(problems[0].fix.starts_with("did you mean `period`?"), "{}", problems[0]);
        assert_eq!((problems[1].line, problems[1].column), pos(&packet, "{{else}}{{titel}}", "titel"));
    }

    #[test]
    fn paths_into_scalars_and_data_variables_outside_each_are_rejected() {
        let p = one(&check_with(&[("packet.html", &packet_with("{{title.x}}"))])).clone();
        assert!(p.message.contains("`title.x` goes into `title`, which is text"), "{p}");
        let p = one(&check_with(&[("packet.html", &packet_with("{{#each title}}{{/each}}"))])).clone();
        assert!(p.message.contains("`title` is text, not a list"), "{p}");
        let p = one(&check_with(&[("packet.html", &packet_with("{{@index}}"))])).clone();
        assert!(p.message.contains("`@index` does not exist here"), "{p}");
        let p = one(&check_with(&[("packet.html", &packet_with("{{#each controls}}{{@indx}}{{/each}}"))])).clone();
        assert!(p.fix.starts_with("did you mean `index`?"), "{p}");
        let p = one(&check_with(&[(
            "packet.html",
            &packet_with("{{#if title}}{{else}}x{{/if}}{{#each controls as |c|}}{{c.titel}}{{/each}}"),
        )]))
        .clone();
        assert!(p.message.contains("`titel` is not a field of `c` (ControlView)"), "{p}");
        let p = one(&check_with(&[("packet.html", &packet_with("{{#if title as |t|}}{{/if}}"))])).clone();
        assert!(p.message.contains("takes no block params"), "{p}");
    }

    #[test]
    fn partial_blocks_inline_partials_and_partial_context() {
        let ok = packet_with(concat!(
            "{{#*inline \"row\"}}<td>{{title}}</td>{{/inline}}{{#each controls}}{{> row}}{{/each}}",
            "{{#each controls}}{{#> frame}}{{status_label}}{{/frame}}{{/each}}",
            "{{> field title=framework_name}}{{> control.html (lookup controls 0)}}",
        ));
        let frame = "<div>{{anchor}}{{> @partial-block}}</div>";
        let field = "{{title}}{{tool}}";
        assert_eq!(check_with(&[("packet.html", &ok), ("frame", frame), ("field", field)]), vec![]);
        renders(&[("packet.html", &ok), ("frame", frame), ("field", field)]);
        let bad = packet_with("{{#*inline \"row\"}}<td>{{titel}}</td>{{/inline}}{{#each controls}}{{> row}}{{/each}}{{> frame}}");
        let problems = check_with(&[("packet.html", &bad), ("frame", frame)]);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].message.contains("`titel` is not a field of ControlView"), "{}", problems[0]);
        assert_eq!((problems[0].line, problems[0].column), pos(&bad, "<td>{{titel}}", "titel"));
        assert!(problems[1].message.contains("`anchor` is not a field of Packet"), "{}", problems[1]);
        assert!(problems[2].message.contains("`@partial-block` is used where the partial was included without a block"), "{}", problems[2]);
        let p = one(&check_with(&[("packet.html", &packet_with("{{> loop}}")), ("loop", "{{> loop}}")])).clone();
        assert!(p.message.contains("partial `loop` includes itself"), "{p}");
    }

    #[derive(Deserialize)]
    #[serde(bound(deserialize = "'de: 'static"))]
    #[allow(dead_code)]
    struct Outer {
        maybe: Option<Inner>,
        list: Vec<Option<Inner>>,
        by_name: BTreeMap<String, Inner>,
        #[serde(rename = "renamed")]
        original: u32,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        label: &'static str,
        flag: bool,
    }

    #[test]
    fn schema_follows_the_types_through_options_lists_maps_and_renames() {
        let schema = schema_of::<Outer>().unwrap();
        let names: Vec<&str> = match &*schema {
            Ty::Struct { name, fields } => {
                assert_eq!(name, "Outer");
                fields.iter().map(|(n, _)| n.as_str()).collect()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(names, ["maybe", "list", "by_name", "renamed"]);
        let mut hb = Handlebars::new();
        let text = concat!(
            "{{maybe.label}}{{#with maybe}}{{flag}}{{/with}}{{#each list}}{{label}}{{/each}}",
            "{{#each by_name}}{{@key}}{{flag}}{{/each}}{{by_name.any.label}}{{renamed}}\n",
            "{{maybe.lable}}{{original}}"
        );
        hb.register_template_string("t", text).unwrap();
        let sources = Sources::from([("t".to_string(), Source { label: "t".into(), text: text.into() })]);
        let problems = check(&hb, &sources, &[("t", schema)]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].message.contains("`lable` is not a field of `maybe` (Inner)"), "{}", problems[0]);
        assert_eq!((problems[0].line, problems[0].column), (2, 9));
        assert!(
            problems[1].fix.starts_with("The fields of Outer") || problems[1].fix.starts_with("the fields of Outer"),
            "{}",
            problems[1]
        );
    }

    /// The traced schema and the JSON a real packet and summary serialise to have the same
    /// fields, all the way down: the check sees what the templates get.
    #[test]
    fn schema_matches_the_serialised_views() {
        fn same(ty: &Rc<Ty>, v: &serde_json::Value, at: &str) {
            match (&*through_option(ty), v) {
                (_, serde_json::Value::Null) => assert!(matches!(&**ty, Ty::Option(_) | Ty::Null), "{at}: null for {ty:?}"),
                (Ty::Struct { fields, .. }, serde_json::Value::Object(m)) => {
                    let schema: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                    let json: Vec<&str> = m.keys().map(String::as_str).collect();
                    assert_eq!(schema, json, "{at}");
                    for (n, t) in fields {
                        same(t, &m[n], &format!("{at}.{n}"));
                    }
                }
                (Ty::List(t), serde_json::Value::Array(items)) => items.iter().for_each(|i| same(t, i, &format!("{at}[]"))),
                (Ty::Text, serde_json::Value::String(_))
                | (Ty::Number, serde_json::Value::Number(_))
                | (Ty::Bool, serde_json::Value::Bool(_)) => {}
                (t, v) => panic!("{at}: schema {t:?}, value {v}"),
            }
        }
        let report = demo_report();
        let packet = Packet::new(&report, &report.frameworks[0]);
        same(&schema_of::<Packet>().unwrap(), &serde_json::to_value(&packet).unwrap(), "packet");
        let summary = SummaryView::new(&report, Some("Acme".into()));
        same(&schema_of::<SummaryView>().unwrap(), &serde_json::to_value(&summary).unwrap(), "summary");
    }
}
