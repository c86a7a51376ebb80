//! A direct evaluator for the jq that automations are mostly made of: field paths, objects
//! and lists built from them, `//` defaults, `select`, `if`, `as` bindings, small `def`s, and
//! Ponte's filters. jaq evaluates every expression through boxed iterators, allocating at each
//! step; an output mapping of a page of invoices spent most of a call there. This evaluator
//! walks the parsed program directly, passing each output to a continuation, so a field read is
//! a map lookup and an object is built in one map of the right size.
//!
//! It never decides anything it is not sure of. A program using anything outside its subset
//! (`reduce`, assignments, regular expressions, `try … catch`, formats, most of the library's
//! natives) is left to jaq entirely. At run time, an error that reaches the top, any
//! expression that gives more than one value where the order of combinations would matter, and
//! any input an operation here does not handle make it give up, and jaq runs the program from
//! the start: errors and their messages always come from jaq. `try` and `?` catch only errors
//! raised where jaq raises them in the same order (an index, an iteration, a filter on its
//! input, `error`); an error inside the parts this evaluator computes eagerly (an object's
//! entries, operands, arguments, a path's indices), where jaq might have stopped earlier or
//! never got there, makes it give up even under `try`. Operations on values (indexing,
//! arithmetic, comparisons) are jaq's own, and the library's definitions (`map`, `values`,
//! `any`, …) are read from jaq's standard library and inlined, so both evaluators compute the
//! same thing. In debug builds every result is compared with jaq's.

use std::borrow::Cow;

use jaq_core::ValT;
use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Def, Pattern, Term};
use jaq_core::ops::{Cmp, Math};
use jaq_core::path::{Opt, Part};
use jaq_json::{Num, Rc, Val};

/// Why a direct evaluation stopped without a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bail {
    /// A jq error (a failed index, a type error, `error`): `?` and `try` catch it as jaq's do.
    Error,
    /// Something this evaluator leaves to jaq.
    Unsupported,
}

type R<T> = Result<T, Bail>;

/// Whether the consumer of outputs wants more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    More,
    Stop,
}

/// Where a variable's value lives while the program runs.
type Slot = usize;

/// A filter of one input and no arguments that maps a value to a value or an error: Ponte's
/// filters, shared with their jaq definitions.
pub(super) type ValueFn = fn(Val) -> jaq_core::ValR<Val>;

#[derive(Debug, Clone)]
enum Expr {
    Id,
    Lit(Val),
    /// `[f]`
    Arr(Box<Expr>),
    /// `{k: v, …}`, every key and value giving at most one value.
    Obj(Vec<(Expr, Expr)>),
    /// Interpolated string: each part's text, concatenated.
    Concat(Vec<Expr>),
    Neg(Box<Expr>),
    Pipe(Box<Expr>, Box<Expr>),
    /// `l as $x | r`
    Bind(Box<Expr>, Slot, Box<Expr>),
    Comma(Box<Expr>, Box<Expr>),
    Alt(Box<Expr>, Box<Expr>),
    /// `l or r` (true), `l and r` (false): the value of `l` that decides alone.
    Logic(Box<Expr>, bool, Box<Expr>),
    Math(Box<Expr>, Math, Box<Expr>),
    Cmp(Box<Expr>, Cmp, Box<Expr>),
    /// `try f` and `f?`
    Try(Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Var(Slot),
    /// A path from a base; the index expressions read the path's input.
    Path(Box<Expr>, Vec<(Step, bool)>),
    Empty,
    /// `error` and `error(f)`: an error for each value of `f`.
    Error(Box<Expr>),
    /// `first(f)`
    First(Box<Expr>),
    /// `limit(n; f)`
    Limit(Box<Expr>, Box<Expr>),
    /// `range(from; upto)`
    Range(Box<Expr>, Box<Expr>),
    Native(Native, Vec<Expr>),
}

#[derive(Debug, Clone)]
enum Step {
    Index(Expr),
    Iterate,
}

#[derive(Debug, Clone, Copy)]
enum Native {
    Length,
    Type,
    Not,
    Has,
    StartsWith,
    EndsWith,
    AsciiDowncase,
    AsciiUpcase,
    /// `fromjson` of a plain integer's text (what `tonumber` asks of ERP fields).
    FromJson,
    Value(ValueFn),
}

/// A program the direct evaluator can run.
#[derive(Debug)]
pub(super) struct Program {
    expr: Expr,
    slots: usize,
}

impl Program {
    /// The program, when every part of it is within this evaluator's subset.
    pub(super) fn compile(code: &str, natives: &[(&'static str, ValueFn)]) -> Option<Self> {
        let term = jaq_core::load::parse(code, |p| p.term())?;
        let mut compiler = Compiler {
            slots: 0,
            depth: 0,
            inlined: 0,
            natives,
        };
        let expr = compiler.term(&term, &Scope::default()).ok()?;
        Some(Self {
            expr,
            slots: compiler.slots,
        })
    }

    /// The program's first output (`null` when it has none), or why this evaluator left it.
    pub(super) fn first(&self, input: &Val) -> R<Val> {
        let mut env = vec![Val::Null; self.slots];
        let mut first = None;
        run(&self.expr, input, &mut env, &mut |v, _| {
            first = Some(v);
            Ok(Flow::Stop)
        })?;
        Ok(first.unwrap_or(Val::Null))
    }
}

// ---------------------------------------------------------------------------------------------
// Compiling: jaq's parse tree to `Expr`, definitions inlined, variables given slots.

/// A name visible at some point of the program, innermost last.
#[derive(Clone)]
enum Binding<'a> {
    Var(&'a str, Slot),
    /// A filter argument of the definition being inlined, compiled where it was passed.
    Param(&'a str, Rc<Expr>),
    Def(Rc<LocalDef<'a>>),
}

struct LocalDef<'a> {
    def: &'a Def<&'a str>,
    /// The bindings visible where it was defined (not itself: see [`Compiler::call`]).
    scope: Scope<'a>,
}

#[derive(Clone, Default)]
struct Scope<'a>(Vec<Binding<'a>>);

impl<'a> Scope<'a> {
    fn with(&self, binding: Binding<'a>) -> Self {
        let mut next = self.clone();
        next.0.push(binding);
        next
    }
}

/// Inlining deeper than this is taken for recursion, which is left to jaq.
const MAX_DEPTH: usize = 48;
/// At most this many inlined calls per program: definitions calling each other twice per level
/// would otherwise grow exponentially where jaq compiles them once.
const MAX_INLINED: usize = 2_000;

struct Compiler<'p> {
    slots: usize,
    depth: usize,
    inlined: usize,
    natives: &'p [(&'static str, ValueFn)],
}

type C<T> = Result<T, ()>;

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'p> Compiler<'p> {
    fn slot(&mut self) -> Slot {
        self.slots += 1;
        self.slots - 1
    }

    fn term<'a>(&mut self, t: &'a Term<&'a str>, scope: &Scope<'a>) -> C<Expr>
    where
        'p: 'a,
    {
        Ok(match t {
            Term::Id => Expr::Id,
            Term::Num(n) => Expr::Lit(number(n)?),
            Term::Str(None, parts) => self.string(parts, scope)?,
            Term::Arr(None) => Expr::Lit(Val::Arr(Rc::new(Vec::new()))),
            Term::Arr(Some(f)) => Expr::Arr(boxed(self.term(f, scope)?)),
            Term::Obj(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    out.push(match (k, v) {
                        (Term::Var(x), None) => (
                            Expr::Lit(Val::utf8_str(x.as_bytes()[1..].to_vec())),
                            self.var(x, scope)?,
                        ),
                        (k, None) => {
                            let key = self.term(k, scope)?;
                            let value = Expr::Path(
                                boxed(Expr::Id),
                                vec![(Step::Index(key.clone()), false)],
                            );
                            (key, value)
                        }
                        (k, Some(v)) => (self.term(k, scope)?, self.term(v, scope)?),
                    });
                }
                Expr::Obj(out)
            }
            Term::Neg(f) => Expr::Neg(boxed(self.term(f, scope)?)),
            Term::BinOp(l, op, r) => {
                let left = self.term(l, scope)?;
                match op {
                    BinaryOp::Pipe(None) => Expr::Pipe(boxed(left), boxed(self.term(r, scope)?)),
                    BinaryOp::Pipe(Some(Pattern::Var(x))) => {
                        let slot = self.slot();
                        let right = self.term(r, &scope.with(Binding::Var(x, slot)))?;
                        Expr::Bind(boxed(left), slot, boxed(right))
                    }
                    BinaryOp::Comma => Expr::Comma(boxed(left), boxed(self.term(r, scope)?)),
                    BinaryOp::Alt => Expr::Alt(boxed(left), boxed(self.term(r, scope)?)),
                    BinaryOp::Or => Expr::Logic(boxed(left), true, boxed(self.term(r, scope)?)),
                    BinaryOp::And => Expr::Logic(boxed(left), false, boxed(self.term(r, scope)?)),
                    BinaryOp::Math(op) => Expr::Math(boxed(left), *op, boxed(self.term(r, scope)?)),
                    BinaryOp::Cmp(op) => Expr::Cmp(boxed(left), *op, boxed(self.term(r, scope)?)),
                    _ => return Err(()),
                }
            }
            Term::TryCatch(f, None) => Expr::Try(boxed(self.term(f, scope)?)),
            Term::IfThenElse(branches, otherwise) => {
                let mut out = match otherwise {
                    Some(e) => self.term(e, scope)?,
                    None => Expr::Id,
                };
                for (cond, then) in branches.iter().rev() {
                    out = Expr::If(
                        boxed(self.term(cond, scope)?),
                        boxed(self.term(then, scope)?),
                        boxed(out),
                    );
                }
                out
            }
            Term::Def(defs, body) => {
                let mut inner = scope.clone();
                for def in defs {
                    let local = LocalDef {
                        def,
                        scope: inner.clone(),
                    };
                    inner = inner.with(Binding::Def(Rc::new(local)));
                }
                self.term(body, &inner)?
            }
            Term::Call(name, args) => self.call(name, args, scope)?,
            Term::Var(x) => self.var(x, scope)?,
            Term::Path(base, path) => {
                let base = self.term(base, scope)?;
                let mut steps = Vec::with_capacity(path.0.len());
                for (part, opt) in &path.0 {
                    let step = match part {
                        Part::Index(i) => Step::Index(self.term(i, scope)?),
                        Part::Range(None, None) => Step::Iterate,
                        Part::Range(..) => return Err(()),
                    };
                    steps.push((step, matches!(opt, Opt::Optional)));
                }
                Expr::Path(boxed(base), steps)
            }
            _ => return Err(()),
        })
    }

    fn string<'a>(
        &mut self,
        parts: &'a [StrPart<&'a str, Term<&'a str>>],
        scope: &Scope<'a>,
    ) -> C<Expr>
    where
        'p: 'a,
    {
        let mut out = Vec::new();
        let mut text = String::new();
        for part in parts {
            match part {
                StrPart::Str(s) => text.push_str(s),
                StrPart::Char(c) => text.push(*c),
                StrPart::Term(t) => {
                    if !text.is_empty() {
                        out.push(Expr::Lit(Val::utf8_str(
                            std::mem::take(&mut text).into_bytes(),
                        )));
                    }
                    out.push(self.term(t, scope)?);
                }
            }
        }
        if out.is_empty() {
            return Ok(Expr::Lit(Val::utf8_str(text.into_bytes())));
        }
        if !text.is_empty() {
            out.push(Expr::Lit(Val::utf8_str(text.into_bytes())));
        }
        Ok(Expr::Concat(out))
    }

    fn var<'a>(&mut self, name: &str, scope: &Scope<'a>) -> C<Expr> {
        scope
            .0
            .iter()
            .rev()
            .find_map(|b| match b {
                Binding::Var(x, slot) if *x == name => Some(Expr::Var(*slot)),
                _ => None,
            })
            .ok_or(())
    }

    fn call<'a>(&mut self, name: &'a str, args: &'a [Term<&'a str>], scope: &Scope<'a>) -> C<Expr>
    where
        'p: 'a,
    {
        // The innermost definition or argument of this name and arity.
        for binding in scope.0.iter().rev() {
            match binding {
                Binding::Param(x, expr) if *x == name && args.is_empty() => {
                    return Ok((**expr).clone());
                }
                Binding::Def(local)
                    if local.def.name == name && local.def.args.len() == args.len() =>
                {
                    let def_scope = local.scope.with(Binding::Def(local.clone()));
                    return self.inline(local.def, def_scope, args, scope);
                }
                _ => {}
            }
        }
        let arg = |i: usize, this: &mut Self| this.term(&args[i], scope);
        Ok(match (name, args.len()) {
            ("empty", 0) => Expr::Empty,
            ("error", 0) => Expr::Error(boxed(Expr::Id)),
            ("error", 1) => Expr::Error(boxed(arg(0, self)?)),
            ("null", 0) => Expr::Lit(Val::Null),
            ("true", 0) => Expr::Lit(Val::Bool(true)),
            ("false", 0) => Expr::Lit(Val::Bool(false)),
            ("not", 0) => Expr::Native(Native::Not, Vec::new()),
            ("select", 1) => Expr::If(boxed(arg(0, self)?), boxed(Expr::Id), boxed(Expr::Empty)),
            ("map", 1) => Expr::Arr(boxed(Expr::Pipe(
                boxed(Expr::Path(boxed(Expr::Id), vec![(Step::Iterate, false)])),
                boxed(arg(0, self)?),
            ))),
            ("first", 0) => index_of(0),
            ("last", 0) => index_of(-1),
            ("first", 1) => Expr::First(boxed(arg(0, self)?)),
            ("limit", 2) => Expr::Limit(boxed(arg(0, self)?), boxed(arg(1, self)?)),
            ("range", 1) => Expr::Range(boxed(Expr::Lit(Val::from(0isize))), boxed(arg(0, self)?)),
            ("range", 2) => Expr::Range(boxed(arg(0, self)?), boxed(arg(1, self)?)),
            ("length", 0) => Expr::Native(Native::Length, Vec::new()),
            ("type", 0) => Expr::Native(Native::Type, Vec::new()),
            ("has", 1) => Expr::Native(Native::Has, vec![arg(0, self)?]),
            ("startswith", 1) => Expr::Native(Native::StartsWith, vec![arg(0, self)?]),
            ("endswith", 1) => Expr::Native(Native::EndsWith, vec![arg(0, self)?]),
            ("ascii_downcase", 0) => Expr::Native(Native::AsciiDowncase, Vec::new()),
            ("ascii_upcase", 0) => Expr::Native(Native::AsciiUpcase, Vec::new()),
            ("fromjson", 0) => Expr::Native(Native::FromJson, Vec::new()),
            (name, 0) if let Some((_, f)) = self.natives.iter().find(|(n, _)| *n == name) => {
                Expr::Native(Native::Value(*f), Vec::new())
            }
            _ => {
                let def = super::prepare::library_def(name, args.len()).ok_or(())?;
                self.inline(def, Scope::default(), args, scope)?
            }
        })
    }

    /// `def`'s body with its arguments: a `$x` argument bound as `x as $x | …` (in order, as
    /// jq does), a filter argument compiled where it is passed and put where it is called.
    fn inline<'a>(
        &mut self,
        def: &'a Def<&'a str>,
        mut inner: Scope<'a>,
        args: &'a [Term<&'a str>],
        caller: &Scope<'a>,
    ) -> C<Expr>
    where
        'p: 'a,
    {
        self.depth += 1;
        self.inlined += 1;
        if self.depth > MAX_DEPTH || self.inlined > MAX_INLINED {
            return Err(());
        }
        let mut bound = Vec::new();
        for (param, arg) in def.args.iter().zip(args) {
            let expr = Rc::new(self.term(arg, caller)?);
            if param.starts_with('$') {
                let slot = self.slot();
                bound.push((expr, slot));
                inner = inner.with(Binding::Var(param, slot));
            } else {
                inner = inner.with(Binding::Param(param, expr));
            }
        }
        let mut body = self.term(&def.body, &inner)?;
        for (expr, slot) in bound.into_iter().rev() {
            body = Expr::Bind(boxed((*expr).clone()), slot, boxed(body));
        }
        self.depth -= 1;
        Ok(body)
    }
}

fn index_of(i: isize) -> Expr {
    Expr::Path(
        boxed(Expr::Id),
        vec![(Step::Index(Expr::Lit(Val::from(i))), false)],
    )
}

/// A number literal as jaq's compiler reads it: an integer when it fits, else jaq's number.
fn number(text: &str) -> C<Val> {
    match text.parse::<isize>() {
        Ok(i) => Ok(Val::from(i)),
        Err(_) => Val::from_num(text).map_err(|_| ()),
    }
}

// ---------------------------------------------------------------------------------------------
// Running: each output handed to a continuation.

type Env = Vec<Val>;
type Out<'k> = &'k mut dyn FnMut(Val, &mut Env) -> R<Flow>;

fn truthy(v: &Val) -> bool {
    !matches!(v, Val::Null | Val::Bool(false))
}

fn jq_error<T>(_: T) -> Bail {
    Bail::Error
}

fn run(e: &Expr, input: &Val, env: &mut Env, out: Out<'_>) -> R<Flow> {
    match e {
        Expr::Comma(l, r) => match run(l, input, env, out)? {
            Flow::Stop => Ok(Flow::Stop),
            Flow::More => run(r, input, env, out),
        },
        Expr::Pipe(l, r) => run(l, input, env, &mut |v, env| run(r, &v, env, out)),
        Expr::Bind(l, slot, r) => run(l, input, env, &mut |v, env| {
            // Saved and put back: an argument's bindings can be reached again from inside
            // their own scope (through the continuation), and must read their own value after.
            let saved = std::mem::replace(&mut env[*slot], v);
            let flow = run(r, input, env, out);
            env[*slot] = saved;
            flow
        }),
        Expr::If(cond, then, otherwise) => run(cond, input, env, &mut |c, env| {
            run(if truthy(&c) { then } else { otherwise }, input, env, out)
        }),
        Expr::Alt(l, r) => {
            let mut any = false;
            let flow = run(l, input, env, &mut |v, env| {
                if truthy(&v) {
                    any = true;
                    out(v, env)
                } else {
                    Ok(Flow::More)
                }
            })?;
            if any || flow == Flow::Stop {
                Ok(flow)
            } else {
                run(r, input, env, out)
            }
        }
        Expr::Logic(l, decides, r) => run(l, input, env, &mut |lv, env| {
            if truthy(&lv) == *decides {
                out(Val::Bool(*decides), env)
            } else {
                run(r, input, env, &mut |rv, env| {
                    out(Val::Bool(truthy(&rv)), env)
                })
            }
        }),
        Expr::Try(f) => {
            // Only `f`'s own errors are caught, not those of what reads its outputs.
            let mut downstream = None;
            let result = run(f, input, env, &mut |v, env| {
                out(v, env).inspect_err(|bail| downstream = Some(*bail))
            });
            match (result, downstream) {
                (Err(_), Some(bail)) => Err(bail),
                (Err(Bail::Error), None) => Ok(Flow::More),
                (other, _) => other,
            }
        }
        Expr::Path(base, steps) if steps.iter().any(|(s, _)| matches!(s, Step::Iterate)) => {
            // The base first, as jaq: its error comes before anything the indices do.
            if let Expr::Id = base.as_ref() {
                return match indices(steps, input, env)? {
                    Some(keys) => walk(Cow::Borrowed(input), steps, &keys, env, out),
                    None => Ok(Flow::More),
                };
            }
            run(
                base,
                input,
                env,
                &mut |v, env| match indices(steps, input, env)? {
                    Some(keys) => walk(Cow::Owned(v), steps, &keys, env, out),
                    None => Ok(Flow::More),
                },
            )
        }
        Expr::Empty => Ok(Flow::More),
        Expr::Error(f) => run(f, input, env, &mut |_, _| Err(Bail::Error)),
        Expr::First(f) => {
            let mut flow = Flow::More;
            run(f, input, env, &mut |v, env| {
                flow = out(v, env)?;
                Ok(Flow::Stop)
            })?;
            Ok(flow)
        }
        Expr::Limit(n, f) => {
            let Some(n) = part(n, input, env)? else {
                return Ok(Flow::More);
            };
            let n = match n {
                Val::Num(Num::Int(n)) if n > 0 => n,
                _ => return Err(Bail::Unsupported),
            };
            let mut left = n;
            let mut flow = Flow::More;
            run(f, input, env, &mut |v, env| {
                flow = out(v, env)?;
                left -= 1;
                Ok(if left == 0 || flow == Flow::Stop {
                    Flow::Stop
                } else {
                    Flow::More
                })
            })?;
            Ok(flow)
        }
        Expr::Range(from, upto) => {
            let (Some(from), Some(upto)) = (part(from, input, env)?, part(upto, input, env)?)
            else {
                return Ok(Flow::More);
            };
            let (Val::Num(Num::Int(from)), Val::Num(Num::Int(upto))) = (from, upto) else {
                return Err(Bail::Unsupported);
            };
            for i in from..upto {
                if out(Val::from(i), env)? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
            }
            Ok(Flow::More)
        }
        _ => match one(e, input, env)? {
            Some(v) => out(v, env),
            None => Ok(Flow::More),
        },
    }
}

/// A part this evaluator computes eagerly (an object's entry, an operand, an argument, a
/// path's index), where jaq, combining lazily from the left, might have stopped before it or
/// met an error elsewhere first: any failure here is left to jaq, never caught by `try`.
fn part(e: &Expr, input: &Val, env: &mut Env) -> R<Option<Val>> {
    one(e, input, env).map_err(|_| Bail::Unsupported)
}

/// The value of an expression expected to give at most one (an object's entries, operands,
/// arguments): `None` for none; more than one is left to jaq, whose order of combinations
/// this evaluator does not reproduce.
fn one(e: &Expr, input: &Val, env: &mut Env) -> R<Option<Val>> {
    Ok(Some(match e {
        Expr::Id => input.clone(),
        Expr::Lit(v) => v.clone(),
        Expr::Var(slot) => env[*slot].clone(),
        Expr::Arr(f) => {
            let mut items = Vec::new();
            run(f, input, env, &mut |v, _| {
                items.push(v);
                Ok(Flow::More)
            })?;
            Val::Arr(Rc::new(items))
        }
        Expr::Obj(entries) => {
            // Every entry is evaluated, so an error anywhere is seen whatever the order.
            let mut map =
                jaq_json::Map::with_capacity_and_hasher(entries.len(), Default::default());
            let mut complete = true;
            for (k, v) in entries {
                match (part(k, input, env)?, part(v, input, env)?) {
                    (Some(k @ Val::TStr(_)), Some(v)) => {
                        map.insert(k, v);
                    }
                    (Some(_), Some(_)) => return Err(Bail::Unsupported),
                    _ => complete = false,
                }
            }
            if !complete {
                return Ok(None);
            }
            Val::obj(map)
        }
        Expr::Concat(parts) => {
            let mut text = Vec::new();
            let mut complete = true;
            for p in parts {
                match part(p, input, env)? {
                    Some(v) => match v.into_string() {
                        Val::TStr(b) => text.extend_from_slice(&b),
                        _ => return Err(Bail::Unsupported),
                    },
                    None => complete = false,
                }
            }
            if !complete {
                return Ok(None);
            }
            Val::utf8_str(text)
        }
        Expr::Neg(f) => match one(f, input, env)? {
            Some(v) => (-v).map_err(jq_error)?,
            None => return Ok(None),
        },
        Expr::Math(l, op, r) => match (part(l, input, env)?, part(r, input, env)?) {
            (Some(l), Some(r)) => op.run(l, r).map_err(jq_error)?,
            _ => return Ok(None),
        },
        Expr::Cmp(l, op, r) => match (part(l, input, env)?, part(r, input, env)?) {
            (Some(l), Some(r)) => Val::Bool(op.run(&l, &r)),
            _ => return Ok(None),
        },
        Expr::Path(base, steps) if !steps.iter().any(|(s, _)| matches!(s, Step::Iterate)) => {
            // The base first, as jaq: its error comes before anything the indices do.
            let owned = match base.as_ref() {
                Expr::Id | Expr::Var(_) => None,
                other => match one(other, input, env)? {
                    Some(v) => Some(v),
                    None => return Ok(None),
                },
            };
            let Some(keys) = indices(steps, input, env)? else {
                return Ok(None);
            };
            let base = match (owned, base.as_ref()) {
                (Some(v), _) => Cow::Owned(v),
                (None, Expr::Var(slot)) => Cow::Borrowed(&env[*slot]),
                (None, _) => Cow::Borrowed(input),
            };
            match follow(base, steps, &keys)? {
                Some(v) => v.into_owned(),
                None => return Ok(None),
            }
        }
        Expr::Native(native, args) => {
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                match part(arg, input, env)? {
                    Some(v) => values.push(v),
                    None => return Ok(None),
                }
            }
            call_native(*native, input, values)?
        }
        _ => {
            let mut first = None;
            let mut more = false;
            let result = run(e, input, env, &mut |v, _| {
                if first.is_some() {
                    more = true;
                    return Ok(Flow::Stop);
                }
                first = Some(v);
                Ok(Flow::More)
            });
            match result {
                // A value, then an error: jaq would combine the value before failing.
                Err(_) if first.is_some() => return Err(Bail::Unsupported),
                Err(bail) => return Err(bail),
                Ok(_) => {}
            }
            if more {
                return Err(Bail::Unsupported);
            }
            return Ok(first);
        }
    }))
}

/// The values of a path's index expressions, read from the path's input; `None` when one has
/// none (the path then has no output).
fn indices(steps: &[(Step, bool)], input: &Val, env: &mut Env) -> R<Option<Vec<Val>>> {
    let mut keys = Vec::with_capacity(steps.len());
    let mut complete = true;
    for (step, _) in steps {
        if let Step::Index(i) = step {
            match part(i, input, env)? {
                Some(k) => keys.push(k),
                None => complete = false,
            }
        }
    }
    Ok(complete.then_some(keys))
}

/// `v[k]` as jaq's index gives it, read without copying when `v` is borrowed.
fn index<'v>(v: Cow<'v, Val>, key: &Val) -> Result<Cow<'v, Val>, Bail> {
    Ok(match v {
        Cow::Borrowed(Val::Obj(map)) => map.get(key).map_or(Cow::Owned(Val::Null), Cow::Borrowed),
        Cow::Borrowed(Val::Null) | Cow::Owned(Val::Null) => Cow::Owned(Val::Null),
        Cow::Owned(Val::Obj(map)) => Cow::Owned(map.get(key).cloned().unwrap_or(Val::Null)),
        other => Cow::Owned(other.into_owned().index(key).map_err(jq_error)?),
    })
}

/// A path without iteration: at most one value.
fn follow<'v>(
    mut v: Cow<'v, Val>,
    steps: &[(Step, bool)],
    keys: &[Val],
) -> R<Option<Cow<'v, Val>>> {
    let mut keys = keys.iter();
    for (step, optional) in steps {
        let Step::Index(_) = step else {
            return Err(Bail::Unsupported);
        };
        let key = keys.next().ok_or(Bail::Unsupported)?;
        v = match index(v, key) {
            Ok(next) => next,
            Err(Bail::Error) if *optional => return Ok(None),
            Err(bail) => return Err(bail),
        };
    }
    Ok(Some(v))
}

/// A path with iteration: each value in turn.
fn walk(
    v: Cow<'_, Val>,
    steps: &[(Step, bool)],
    keys: &[Val],
    env: &mut Env,
    out: Out<'_>,
) -> R<Flow> {
    let Some(((step, optional), rest)) = steps.split_first() else {
        return out(v.into_owned(), env);
    };
    match step {
        Step::Index(_) => {
            let (key, keys) = keys.split_first().ok_or(Bail::Unsupported)?;
            match index(v, key) {
                Ok(next) => walk(next, rest, keys, env, out),
                Err(Bail::Error) if *optional => Ok(Flow::More),
                Err(bail) => Err(bail),
            }
        }
        Step::Iterate => {
            let items: Box<dyn Iterator<Item = &Val>> = match v.as_ref() {
                Val::Arr(items) => Box::new(items.iter()),
                Val::Obj(map) => Box::new(map.values()),
                _ if *optional => return Ok(Flow::More),
                _ => return Err(Bail::Error),
            };
            for item in items {
                if walk(Cow::Borrowed(item), rest, keys, env, out)? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
            }
            Ok(Flow::More)
        }
    }
}

fn text_of(v: &Val) -> Option<&[u8]> {
    match v {
        Val::TStr(b) => Some(b),
        _ => None,
    }
}

/// The integer a JSON text holds when it is only an integer without leading zeros or signs
/// other than `-`, small enough for any reader to give the same number.
fn plain_integer(text: &[u8]) -> Option<isize> {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    let plain = !digits.is_empty()
        && digits.len() <= 15
        && digits.iter().all(u8::is_ascii_digit)
        && (digits == b"0" || digits[0] != b'0');
    if !plain {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

fn call_native(native: Native, input: &Val, args: Vec<Val>) -> R<Val> {
    let unsupported = Err(Bail::Unsupported);
    Ok(match native {
        Native::Not => Val::Bool(!truthy(input)),
        Native::Type => Val::utf8_str(
            match input {
                Val::Null => "null",
                Val::Bool(_) => "boolean",
                Val::Num(_) => "number",
                Val::TStr(_) | Val::BStr(_) => "string",
                Val::Arr(_) => "array",
                Val::Obj(_) => "object",
            }
            .as_bytes(),
        ),
        Native::Length => match input {
            Val::Null => Val::from(0usize),
            Val::TStr(s) => match std::str::from_utf8(s) {
                Ok(text) => Val::from(text.chars().count()),
                Err(_) => return unsupported,
            },
            Val::Arr(items) => Val::from(items.len()),
            Val::Obj(map) => Val::from(map.len()),
            _ => return unsupported,
        },
        Native::Has => match (input, args.first()) {
            (Val::Obj(map), Some(key @ Val::TStr(_))) => Val::Bool(map.contains_key(key)),
            _ => return unsupported,
        },
        Native::StartsWith | Native::EndsWith => {
            match (text_of(input), args.first().and_then(text_of)) {
                (Some(s), Some(affix)) => Val::Bool(if matches!(native, Native::StartsWith) {
                    s.starts_with(affix)
                } else {
                    s.ends_with(affix)
                }),
                _ => return unsupported,
            }
        }
        Native::AsciiDowncase | Native::AsciiUpcase => match text_of(input) {
            Some(s) => Val::utf8_str(if matches!(native, Native::AsciiDowncase) {
                s.to_ascii_lowercase()
            } else {
                s.to_ascii_uppercase()
            }),
            None => return unsupported,
        },
        Native::FromJson => match text_of(input).and_then(plain_integer) {
            Some(i) => Val::from(i),
            None => return unsupported,
        },
        Native::Value(f) => f(input.clone()).map_err(jq_error)?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::Bail;
    use crate::jq::{JqInput, JqProgram};

    fn direct(program: &str, input: &Value) -> Result<Value, Bail> {
        let p = JqProgram::compile(program).unwrap();
        let direct = p
            .direct
            .as_ref()
            .unwrap_or_else(|| panic!("not direct: {program}"));
        direct
            .first(&JqInput::new(input).0)
            .map(|v| crate::jq::to_json(&v))
    }

    /// Each program gives its value directly, and the same value as jaq (`first_on` compares
    /// the two in debug builds).
    #[test]
    fn the_direct_evaluator_agrees_with_jaq() {
        let input = json!({
            "a": {"b": [1, 2, 3], "c": null, "d": false, "e": "Texto", "n": 3, "f": 1.5},
            "items": [
                {"id": "1", "valor": "10.5", "data": "2026-01-10", "c": "7", "x": ""},
                {"id": "2", "valor": "0", "data": "0000-00-00", "c": "", "x": "0"},
                {"id": "3", "valor": "99.999", "data": "10/02/2026", "c": null}
            ],
            "s": "ab c", "empty": [], "obj": {"k": 1, "l": 2},
            "doc": "529.982.247-25", "page": "2", "total": "450"
        });
        let cases = [
            (".", input.clone()),
            (".a.b", json!([1, 2, 3])),
            (".a.b[1]", json!(2)),
            (".a.b[-1]", json!(3)),
            (".a.missing.deeper", Value::Null),
            (".a[\"e\"]", json!("Texto")),
            (".a.e?", json!("Texto")),
            (".a.n.x?", Value::Null),
            ("[.a.n.x?]", json!([])),
            ("[.a.b[]?, .a.n[]?]", json!([1, 2, 3])),
            ("[.items[].id]", json!(["1", "2", "3"])),
            ("[.obj[]]", json!([1, 2])),
            (
                "{a: 1, b: .s, \"c d\": [.a.n], (.s): 2}",
                json!({"a": 1, "b": "ab c", "c d": [3], "ab c": 2}),
            ),
            ("{s, page}", json!({"s": "ab c", "page": "2"})),
            (". as $x | {$x} | .x.s", json!("ab c")),
            ("{a: 1, a: 2}", json!({"a": 2})),
            ("{a: empty, b: 1}", Value::Null),
            (".a.c // .a.d // \"dflt\"", json!("dflt")),
            (".a.e // \"dflt\"", json!("Texto")),
            ("[.items[] | .c // \"-\"]", json!(["7", "", "-"])),
            ("[.a.b[] | select(. > 1)]", json!([2, 3])),
            ("[.a.b[] | . * 2 + 1 - 0.5]", json!([2.5, 4.5, 6.5])),
            (
                "[.a.n / 2, .a.n % 2, -.a.n, .a.f * 2]",
                json!([1.5, 1, -3, 3.0]),
            ),
            (
                "[1 == 1.0, 1 < \"a\", null < false, [] < {}, \"a\" >= \"b\", .a.b == [1,2,3]]",
                json!([true, true, true, true, false, true]),
            ),
            (
                "[.a.c and true, .a.e and 1, .a.d or .a.c, 0 or false, (true, false) and true]",
                json!([false, true, false, true, true, false]),
            ),
            ("if .a.d then 1 elif .a.n == 3 then 2 else 3 end", json!(2)),
            ("if .a.c then 1 end", input.clone()),
            (
                "[.items[] | if .c == \"\" then \"vazio\" else .c end]",
                json!(["7", "vazio", null]),
            ),
            ("map(.) | length", json!(8)),
            (
                "[.items | map(.id), first.id, last.id, length]",
                json!([["1", "2", "3"], "1", "3", 3]),
            ),
            ("first(.items[] | select(.c == \"\")) | .id", json!("2")),
            ("[first(empty)]", json!([])),
            ("[range(0; 3)], [range(2)]", json!([0, 1, 2])),
            (
                "[.items as $i | range(0; $i | length) as $n | $i[$n].id]",
                json!(["1", "2", "3"]),
            ),
            (
                "[.s, .a.b, .obj, null, .a.d, .a.n] | map(type)",
                json!(["string", "array", "object", "null", "boolean", "number"]),
            ),
            (
                "[(.s | length), (.obj | length), (null | length)]",
                json!([4, 2, 0]),
            ),
            ("[.obj | has(\"k\"), has(\"z\")]", json!([true, false])),
            (
                "[.s | startswith(\"ab\"), endswith(\"x\"), ascii_upcase, (\"ÁB\" | ascii_downcase)]",
                json!([true, false, "AB C", "Áb"]),
            ),
            ("[.a.c, .a.d, .a.n] | map(not)", json!([true, true, false])),
            ("[.items[] | .c | values]", json!(["7", ""])),
            ("[.a.b | any(. > 2), all(. > 2)]", json!([true, false])),
            ("[.items[] | .c] | any(. == null)", json!(true)),
            (
                "[.a.n, .s, .a.b] | map(tostring)",
                json!(["3", "ab c", "[1,2,3]"]),
            ),
            (
                "[.page, .total, \"-7\", 12] | map(tonumber)",
                json!([2, 450, -7, 12]),
            ),
            (
                "(.page | tonumber) * 200 >= (.total // 0 | tonumber)",
                json!(false),
            ),
            ("\"n=\\(.a.n), s=\\(.s)\\n\"", json!("n=3, s=ab c\n")),
            ("\"\"", json!("")),
            (
                "[.items[] | {v: (.valor | money), d: (.data | date), id: (.id | text)}]",
                json!([{"v": "10.50", "d": "2026-01-10", "id": "1"}, {"v": "0.00", "d": "", "id": "2"}, {"v": "100.00", "d": "2026-02-10", "id": "3"}]),
            ),
            (".doc | digits", json!("52998224725")),
            ("[.a.n | text]", json!(["3"])),
            ("def twice(f): f | f; .a.n | twice(. * 2)", json!(12)),
            (
                "def add1($x): $x + 1; def both($a; $b): [$a, $b]; [add1(.a.n), both(1; 2)]",
                json!([4, [1, 2]]),
            ),
            ("def f: 1; def g: f + 1; def f: 10; [f, g]", json!([10, 2])),
            (
                "def nonblank: map(select(. != null and . != \"\" and . != \"0\")) | first; [.items[] | [.c, .x, .id] | nonblank]",
                json!(["7", "2", "3"]),
            ),
            (". as $x | [(1 as $x | $x), $x.a.n]", json!([1, 3])),
            (
                "def g(f): [f as $x | f]; 5 | g(. as $q | ($q, $q + 1))",
                json!([5, 6, 5, 6]),
            ),
            ("[.a.n.x?, 1]", json!([1])),
            ("[try .a.n.x, 2]", json!([2])),
            (
                "[(1, 2) | try (if . == 2 then error(\"x\") else . end)]",
                json!([1]),
            ),
            ("(1, error(\"x\"))", json!(1)),
            ("empty", Value::Null),
            ("[limit(2; .a.b[])], [limit(5; .a.b[])]", json!([1, 2])),
            ("[limit(5; .a.b[])]", json!([1, 2, 3])),
            (
                "[.a.b[] | {a: select(. > 1), b: (. * 2)}]?",
                json!([{"a": 2, "b": 4}, {"a": 3, "b": 6}]),
            ),
        ];
        for (program, expected) in cases {
            let got = direct(program, &input).unwrap_or_else(|b| panic!("{program}: {b:?}"));
            assert_eq!(got, expected, "{program}");
            let p = JqProgram::compile(program).unwrap();
            // In debug builds this also runs jaq and compares.
            assert_eq!(
                p.first(&input).unwrap(),
                expected,
                "{program} through first"
            );
        }
    }

    #[test]
    fn what_it_does_not_decide_is_left_to_jaq() {
        for program in [
            "reduce .[] as $x (0; . + $x)",
            ".a |= 1",
            ".s | test(\"a\")",
            "try error(\"x\") catch .",
            "@base64 \"x\\(.)\"",
            "..",
            "label $out | 1, break $out",
            "def f: f; f",
            ".a[1:2]",
            ". as [$a, $b] | $a",
            "tojson",
        ] {
            let p = JqProgram::compile(program).unwrap();
            assert!(p.direct.is_none(), "{program} should be left to jaq");
        }
        let input = json!({"a": 1, "s": "x", "l": [1, 2], "n": null, "t": "1e2"});
        for program in [
            ".a.b",
            ".a[]",
            "error(\"boom\")",
            ".s | money",
            "{a: (.l[])}",
            ".l[] + .l[]",
            ".s + 1",
            "{(.a): 1}",
            ".t | tonumber",
            "range(0; 1.5)",
            ".a | length",
            // Found in review: each once gave a value where jaq gives an error or another value.
            "error(\"x\")[empty]",
            "(.s | tonumber)[.n | select(. != null)]",
            "{a: (1, error(\"x\"))}?",
            "((1, error(\"x\")) + 0)?",
            "\"\\(1, error(\"x\"))\"?",
            "[.l, \"s\"] | [.[] | select(type == \"string\") + (. + \"\")]?",
            "[(\"s\", 1) | range(select(type == \"number\"); . + 1)]?",
        ] {
            let got = direct(program, &input);
            assert!(got.is_err(), "{program}: {got:?}");
            // And jaq gives its own answer, value or error, through `first`.
            let p = JqProgram::compile(program).unwrap();
            let _ = p.first(&input);
        }
        let p = JqProgram::compile(".a.b").unwrap();
        let err = p.first(&input).unwrap_err();
        assert!(err.0.contains("cannot index"), "{err}");
    }

    /// The shipped presets' programs: which ones the direct evaluator runs.
    #[test]
    fn most_of_the_presets_programs_run_directly() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../presets");
        let mut all = Vec::new();
        for entry in std::fs::read_dir(&root).unwrap() {
            let dir = entry.unwrap().path();
            if dir.is_dir() {
                crate::compile_count::take_programs();
                crate::AutomationSet::load_dir(&dir).unwrap();
                all.extend(crate::compile_count::take_programs());
            }
        }
        all.sort();
        all.dedup();
        let left: Vec<_> = all
            .iter()
            .filter(|(_, direct)| !direct)
            .map(|(s, _)| s)
            .collect();
        for program in &left {
            eprintln!("left to jaq: {}", program.replace('\n', " "));
        }
        let direct = all.len() - left.len();
        eprintln!("{direct} of {} programs run directly", all.len());
        // Regular expressions, `reduce` and assignments stay with jaq; the rest runs directly.
        assert!(all.len() > 100, "{} programs", all.len());
        assert!(direct * 4 >= all.len() * 3, "{direct} of {}", all.len());
    }
}
