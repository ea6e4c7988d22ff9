//! kpic, a compiler for balanced scorecards written as code.
//!
//! The pipeline, one stage a module, data flowing one way:
//!
//! ```text
//! source text ─▶ syntax (pest → spanned AST) ─▶ project (files, `use`, stdlib)
//!             ─▶ semantic (names, kinds, units, periods, targets, cycles) ─▶ data (observations)
//!             ─▶ checks (SMART and alignment rules, levels) ─▶ eval and score (values, plans,
//!                scores, roll-up) ─▶ report (JSON) ─▶ diagnostics ─▶ cli
//! ```
//!
//! `watch` runs the pipeline again on every change to a project's files, and serves the report.
//!
//! Every stage reports [`diagnostics::Finding`]s instead of stopping, so one run reports all
//! that is wrong.

pub mod check;
pub mod checks;
pub mod cli;
pub mod data;
pub mod diagnostics;
pub mod diff;
pub mod eval;
pub mod period;
pub mod project;
pub mod report;
pub mod score;
pub mod semantic;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod unit;
pub mod watch;
