//! kpic, a compiler for balanced scorecards written as code.
//!
//! The pipeline, one stage a module, data flowing one way (`pipeline` drives it):
//!
//! ```text
//! source text ─▶ syntax (pest → spanned AST) ─▶ project (files, `use`, stdlib)
//!             ─▶ semantic (names, kinds, units, periods, targets, cycles)
//!             ─▶ checks on the model (SMART and alignment rules)
//!             ─▶ data (observations) ─▶ eval (values per period) ─▶ checks on the evaluator
//!                (the data rules) ─▶ levels
//!             ─▶ score (plans, bands, scores, roll-up) ─▶ report (JSON, HTML) ─▶ cli
//! ```
//!
//! Low layers every stage may use: `source` (files and spans), `period`, `unit`, and
//! `diagnostics` (findings, the rule registry and the output formats). `watch` runs the pipeline
//! again on every change to a project's files and serves the report; `lsp` runs it on every
//! edit in an editor and answers the editor's questions from the result; `diff` runs it on two
//! versions of a project.
//!
//! Every stage reports [`diagnostics::Finding`]s instead of stopping, so one run reports all
//! that is wrong.

// pest runs without its `std` feature (see `syntax/parser.rs`), and the parser it derives names
// `::alloc`.
extern crate alloc;

pub mod checks;
pub mod cli;
pub mod data;
pub mod diagnostics;
pub mod diff;
pub mod eval;
pub mod fmt;
pub mod graph;
pub mod input;
pub mod lsp;
pub mod period;
pub mod pipeline;
pub mod project;
pub mod report;
pub mod score;
pub mod semantic;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod unit;
pub mod vocabulary;
pub mod watch;
