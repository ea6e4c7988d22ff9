//! Stage 3, semantic: the parsed files of a project become one [`Model`], checked on the way for
//! everything the first table of CHECKS.md forbids.

pub mod cascade;
pub mod cycles;
mod declare;
pub mod graph;
pub mod model;
mod orgs;
mod resolve;
mod span;
mod targets;
mod units;

pub use model::Model;
pub use resolve::visit;
pub use span::MAX_SPAN_PERIODS;

use crate::diagnostics::Finding;
use crate::project::Project;

/// Builds the model of a loaded project; the findings say what does not make sense.
pub fn analyze(project: &Project) -> (Model, Vec<Finding>) {
    let mut findings = Vec::new();
    let declared = declare::declare(project, &mut findings);
    let mut model = declared.model;
    resolve::resolve(
        &mut model,
        declared.formulas,
        declared.functions,
        resolve::UsePlaces::of(project),
        &mut findings,
    );
    units::check(&model, &mut findings);
    targets::check(&model, &mut findings);
    cycles::check(&model, &mut findings);
    orgs::build(&mut model, &mut findings);
    span::check(&mut model, &mut findings);
    (model, findings)
}

/// The model of a project written as one entry file, which must analyze without a finding: for
/// the tests of the stages after this one.
#[cfg(test)]
pub(crate) fn model_of(source: &str) -> Model {
    let project = crate::project::load_text("test.kpi", std::path::Path::new("."), source);
    let (model, findings) = analyze(&project);
    assert!(findings.is_empty(), "{findings:#?}");
    model
}
