//! Step 1 of the semantic stage: every declaration of every file becomes a model item. Checks
//! what needs no other declaration: properties allowed, duplicated or missing, units written,
//! periods that exist.

use super::model::*;
use crate::diagnostics::{Finding, Rule};
use crate::period::{Grain, Period};
use crate::project::Project;
use crate::source::{FileId, Origin, Span};
use crate::syntax::ast::{self, BlockKind, PropertyKey, PropertyValue, Spanned};
use crate::unit::Unit;

/// The model with ids declared but nothing resolved yet, and the formulas still to resolve.
pub struct Declared<'a> {
    pub model: Model,
    pub formulas: Vec<(ItemId, &'a ast::Expr)>,
    pub functions: Vec<(ItemId, &'a ast::Expr)>,
    /// Where a scorecard was declared outside the entry file.
    pub misplaced_scorecards: Vec<Span>,
}

pub fn declare<'p>(project: &'p Project, findings: &mut Vec<Finding>) -> Declared<'p> {
    let mut declarer = Declarer {
        findings,
        declared: Declared {
            model: Model::default(),
            formulas: Vec::new(),
            functions: Vec::new(),
            misplaced_scorecards: Vec::new(),
        },
        perspective_count: 0,
        visible_modules: visible_modules(project),
        hidden_module: None,
    };
    let mut visited = vec![false; project.files.len()];
    declarer.file(project, project.entry, &mut visited);
    let entry_has_broken_scorecard = project.files[project.entry.0 as usize]
        .broken
        .iter()
        .any(|b| b.keyword == "scorecard");
    if declarer.declared.model.scorecard.is_none() && !entry_has_broken_scorecard {
        declarer.missing_scorecard(project.entry);
    }
    declarer.declared
}

struct Declarer<'a, 'p> {
    findings: &'a mut Vec<Finding>,
    declared: Declared<'p>,
    perspective_count: usize,
    /// The library modules the project's own files use: their items are visible to it.
    visible_modules: Vec<FileId>,
    /// The library module being declared, when it is not visible: its name.
    hidden_module: Option<String>,
}

/// The library modules that a file of the project itself uses.
fn visible_modules(project: &Project) -> Vec<FileId> {
    project
        .imports
        .iter()
        .filter(|(file, _)| matches!(project.sources.get(**file).origin, Origin::Disk(_)))
        .flat_map(|(_, uses)| uses.iter().map(|(_, used)| *used))
        .filter(|used| matches!(project.sources.get(*used).origin, Origin::Stdlib(_)))
        .collect()
}

impl<'p> Declarer<'_, 'p> {
    /// Declares a file's items in order; a `use` declares the file it names right there (each
    /// file once), so that perspectives are numbered in the order a reader meets them.
    fn file(&mut self, project: &'p Project, file: FileId, visited: &mut [bool]) {
        visited[file.0 as usize] = true;
        let origin = &project.sources.get(file).origin;
        let from_stdlib = matches!(origin, Origin::Stdlib(_));
        let hidden = match origin {
            Origin::Stdlib(module) if !self.visible_modules.contains(&file) => Some(module.clone()),
            _ => None,
        };
        let imports = project.imports.get(&file).map_or(&[][..], Vec::as_slice);
        let ast = &project.files[file.0 as usize];
        for item in &ast.items {
            if let ast::Decl::Use(use_decl) = &item.decl {
                let used = imports
                    .iter()
                    .find(|(span, _)| *span == use_decl.span)
                    .map(|(_, used)| *used);
                if let Some(used) = used.filter(|used| !visited[used.0 as usize]) {
                    self.file(project, used, visited);
                }
                continue;
            }
            self.hidden_module.clone_from(&hidden);
            self.item(item, file == project.entry, from_stdlib);
        }
        let unparsed = ast.broken.iter().filter_map(|broken| broken.id.clone());
        self.declared.model.unparsed_names.extend(unparsed);
    }

    fn item(&mut self, item: &'p ast::Item, in_entry: bool, from_stdlib: bool) {
        match &item.decl {
            ast::Decl::Use(_) => {}
            ast::Decl::Function(function) => {
                let kind = ItemKind::Function(Function {
                    params: function.params.clone(),
                    body: Formula {
                        kind: FormulaKind::Invalid,
                        span: function.body.span,
                    },
                });
                let id = self.add(
                    item,
                    &function.id,
                    String::new(),
                    function.span,
                    from_stdlib,
                    kind,
                );
                self.declared.functions.push((id, &function.body));
            }
            ast::Decl::Block(block) if block.kind == BlockKind::Scorecard => {
                let properties = self.properties(block, item.doc.as_ref());
                if !in_entry {
                    self.declared
                        .misplaced_scorecards
                        .push(block.keyword.to(block.title.span));
                } else if let Some(first) = &self.declared.model.scorecard {
                    let finding = Finding::new(
                        Rule::DuplicateName,
                        block.keyword.to(block.title.span),
                        "the scorecard is declared twice",
                    )
                    .label("second scorecard")
                    .with_secondary(first.span, "first declared here")
                    .help("a project has exactly one scorecard block, in its entry file");
                    self.findings.push(finding);
                } else {
                    let scorecard = self.scorecard(block, item, &properties);
                    self.declared.model.scorecard = Some(scorecard);
                }
            }
            ast::Decl::Block(block) => {
                let properties = self.properties(block, item.doc.as_ref());
                let kind = match block.kind {
                    BlockKind::Perspective => ItemKind::Perspective(self.perspective(&properties)),
                    BlockKind::Objective => ItemKind::Objective(self.objective(block, &properties)),
                    BlockKind::Metric | BlockKind::Kpi => {
                        ItemKind::Measure(self.measure(block, &properties))
                    }
                    BlockKind::Initiative => {
                        ItemKind::Initiative(self.initiative(block, &properties))
                    }
                    BlockKind::Scorecard => unreachable!("handled above"),
                };
                let ident = block.id.as_ref().expect("only the scorecard has no id");
                let id = self.add(
                    item,
                    ident,
                    block.title.node.clone(),
                    block.span,
                    from_stdlib,
                    kind,
                );
                if let Some(ast::PropertyValue::Formula(expr)) =
                    properties.value(PropertyKey::Formula)
                {
                    self.declared.formulas.push((id, expr));
                }
                let description = match properties.value(PropertyKey::Description) {
                    Some(PropertyValue::Text(text)) => Some(text.node.clone()),
                    _ => item.doc.as_ref().map(|doc| doc.node.clone()),
                };
                self.declared.model.items[id.0 as usize].description = description;
            }
        }
    }

    /// Adds an item to the namespace, reporting a duplicate id with both places.
    fn add(
        &mut self,
        item: &ast::Item,
        ident: &ast::Ident,
        title: String,
        span: Span,
        from_stdlib: bool,
        kind: ItemKind,
    ) -> ItemId {
        let model = &mut self.declared.model;
        let id = ItemId(model.items.len() as u32);
        model.items.push(Item {
            id: ident.clone(),
            title,
            description: None,
            attributes: item.attributes.clone(),
            span,
            from_stdlib,
            kind,
        });
        if from_stdlib {
            model.library_names.entry(ident.node.clone()).or_insert(id);
            if let Some(module) = &self.hidden_module {
                model
                    .hidden_library_names
                    .entry(ident.node.clone())
                    .or_insert_with(|| module.clone());
                return id;
            }
        }
        // A project's own declaration shadows a visible library item, whichever comes first; but
        // not a library perspective, which is part of the scorecard itself (two `financial`
        // perspectives would both be drawn): that stays a clash.
        let shadows = |first: ItemId| {
            let (first, new) = (model.item(first), model.item(id));
            first.from_stdlib != new.from_stdlib
                && first.kind() != Kind::Perspective
                && new.kind() != Kind::Perspective
        };
        match model.names.get(&ident.node) {
            Some(&first) if shadows(first) && !from_stdlib => {
                model.names.insert(ident.node.clone(), id);
            }
            Some(&first) if shadows(first) => {}
            Some(&first) => {
                let first = model.item(first);
                let new = model.item(id);
                // Point at the project's own declaration: that is the one the user can rename.
                let (primary, other) = if new.from_stdlib && !first.from_stdlib {
                    (first, new)
                } else {
                    (new, first)
                };
                let where_other = if other.from_stdlib {
                    "declared in the standard library here"
                } else {
                    "first declared here"
                };
                let finding = Finding::new(
                    Rule::DuplicateName,
                    primary.id.span,
                    format!("`{}` is declared twice", ident.node),
                )
                .label(format!("{} `{}` declared again", primary.kind().article_name(), ident.node))
                .with_secondary(other.id.span, format!("{} as {}", where_other, other.kind().article_name()))
                .help("every id lives in one project-wide namespace, imports included: rename one of them");
                self.findings.push(finding);
            }
            None => {
                model.names.insert(ident.node.clone(), id);
            }
        }
        id
    }

    fn missing_scorecard(&mut self, entry: FileId) {
        let mut finding = Finding::new(
            Rule::MissingProperty,
            Span::new(entry, 0..0),
            "the entry file has no `scorecard` block",
        )
        .label("the scorecard belongs in this file");
        for span in &self.declared.misplaced_scorecards {
            finding = finding.with_secondary(
                *span,
                "a scorecard is declared here, outside the entry file",
            );
        }
        let help = if self.declared.misplaced_scorecards.is_empty() {
            "add `scorecard \"Title\" { owner \"…\" period 2026-01 .. 2026-12 }` to the entry file"
        } else {
            "move the scorecard block into the entry file"
        };
        self.findings.push(finding.help(help));
    }

    /// The properties of one declaration, by key, after reporting those not allowed on its kind
    /// and those given twice (a doc comment and `description` count as the same property).
    fn properties<'b>(
        &mut self,
        block: &'b ast::BlockDecl,
        doc: Option<&Spanned<String>>,
    ) -> Properties<'b> {
        let mut properties = Properties {
            by_key: [None; PropertyKey::COUNT],
            data: Vec::new(),
        };
        for property in &block.properties {
            if !allowed(block.kind).contains(&property.key) {
                self.findings.push(misplaced_property(block.kind, property));
                continue;
            }
            if property.key == PropertyKey::Data {
                properties.data.push(property);
                continue;
            }
            if let (PropertyKey::Description, Some(doc)) = (property.key, doc) {
                let finding = Finding::new(
                    Rule::DuplicateProperty,
                    property.key_span,
                    "a description is given twice",
                )
                .label("`description` given here")
                .with_secondary(doc.span, "and as a doc comment here")
                .help("keep one: the doc comment or the `description` property");
                self.findings.push(finding);
            }
            if let Some(first) = properties.by_key[property.key as usize] {
                let name = property.key.name();
                let finding = Finding::new(
                    Rule::DuplicateProperty,
                    property.key_span,
                    format!("`{name}` is given twice"),
                )
                .label("given again here")
                .with_secondary(first.key_span, "first given here")
                .help(format!(
                    "a {} takes one `{name}`: remove one",
                    block.kind.keyword()
                ));
                self.findings.push(finding);
                continue;
            }
            properties.by_key[property.key as usize] = Some(property);
        }
        properties
    }

    fn scorecard(
        &mut self,
        block: &ast::BlockDecl,
        item: &ast::Item,
        properties: &Properties,
    ) -> Scorecard {
        let header = block.keyword.to(block.title.span);
        let (period, period_span) = match properties.value(PropertyKey::Period) {
            Some(PropertyValue::PeriodSpan(from, to)) => {
                (self.period_span(from, to), Some(from.span.to(to.span)))
            }
            _ => {
                self.missing(
                    header,
                    "the scorecard has no `period`",
                    "add the span it covers, e.g. `period 2026-01 .. 2026-12`",
                );
                (None, None)
            }
        };
        let year_start = match properties.value(PropertyKey::YearStart) {
            Some(PropertyValue::Number(number)) => self.year_start(number),
            _ => 1,
        };
        let lint = match properties.value(PropertyKey::Lint) {
            Some(PropertyValue::Lint(entries)) => entries.clone(),
            _ => Vec::new(),
        };
        let description = match properties.value(PropertyKey::Description) {
            Some(PropertyValue::Text(text)) => Some(text.node.clone()),
            _ => item.doc.as_ref().map(|doc| doc.node.clone()),
        };
        Scorecard {
            title: block.title.node.clone(),
            description,
            owner: properties.text(PropertyKey::Owner),
            period,
            period_span,
            frequency: properties
                .frequency(PropertyKey::Frequency)
                .unwrap_or(Grain::Month),
            tolerance: self.tolerance(properties).unwrap_or(0.1),
            year_start,
            review: properties.frequency(PropertyKey::Review),
            data: properties
                .data
                .iter()
                .filter_map(|p| match &p.value {
                    PropertyValue::Text(text) => Some(text.clone()),
                    _ => None,
                })
                .collect(),
            lint,
            attributes: item.attributes.clone(),
            span: header,
            declaration: block.span,
        }
    }

    fn perspective(&mut self, properties: &Properties) -> Perspective {
        let order = self.perspective_count;
        self.perspective_count += 1;
        Perspective {
            weight: self.weight(properties),
            order,
        }
    }

    fn objective(&mut self, block: &ast::BlockDecl, properties: &Properties) -> Objective {
        let perspective = properties.reference(PropertyKey::Perspective);
        if perspective.is_none() {
            let id = block.id.as_ref().expect("objectives have ids");
            self.missing(
                id.span,
                &format!("objective `{}` has no `perspective`", id.node),
                "add `perspective ID`: every objective sits in a perspective of the scorecard",
            );
        }
        let drives = match properties.value(PropertyKey::Drives) {
            Some(PropertyValue::Idents(ids)) => ids.iter().map(reference).collect(),
            _ => Vec::new(),
        };
        Objective {
            perspective,
            owner: properties.text(PropertyKey::Owner),
            weight: self.weight(properties),
            drives,
        }
    }

    fn initiative(&mut self, block: &ast::BlockDecl, properties: &Properties) -> Initiative {
        let objective = properties.reference(PropertyKey::Objective);
        if objective.is_none() {
            let id = block.id.as_ref().expect("initiatives have ids");
            self.missing(
                id.span,
                &format!("initiative `{}` has no `objective`", id.node),
                "add `objective ID`: an initiative serves an objective",
            );
        }
        Initiative {
            objective,
            owner: properties.text(PropertyKey::Owner),
            due: properties
                .period(PropertyKey::Due)
                .and_then(|lit| self.period(lit)),
            status: match properties.value(PropertyKey::Status) {
                Some(PropertyValue::Status(status)) => Some(status.node),
                _ => None,
            },
            budget: properties.quantity(PropertyKey::Budget).map(quantity),
        }
    }

    fn measure(&mut self, block: &ast::BlockDecl, properties: &Properties) -> Measure {
        let unit = match properties.value(PropertyKey::Unit) {
            Some(PropertyValue::Unit(unit)) => Some(declared_unit(unit)),
            _ => None,
        };
        let kpi =
            (block.kind == BlockKind::Kpi).then(|| Box::new(self.kpi_part(block, properties)));
        Measure {
            unit,
            formula: None,
            column: properties
                .text(PropertyKey::Column)
                .map(|column| column.node),
            aggregate: match properties.value(PropertyKey::Aggregate) {
                Some(PropertyValue::Aggregate(aggregate)) => Some(aggregate.node),
                _ => None,
            },
            extends: block.extends.as_ref().map(reference),
            kpi,
        }
    }

    fn kpi_part(&mut self, block: &ast::BlockDecl, properties: &Properties) -> KpiPart {
        let id = block.id.as_ref().expect("KPIs have ids");
        let objective = properties.reference(PropertyKey::Objective);
        if objective.is_none() {
            self.missing(
                id.span,
                &format!("KPI `{}` has no `objective`", id.node),
                "add `objective ID`: every KPI measures an objective",
            );
        }
        let direction = match properties.value(PropertyKey::Direction) {
            Some(PropertyValue::Direction(direction)) => Some(direction.clone()),
            _ => {
                self.missing(
                    id.span,
                    &format!("KPI `{}` has no `direction`", id.node),
                    "add `direction up` (higher is better), `direction down` or `direction range`",
                );
                None
            }
        };
        let baseline = match properties.value(PropertyKey::Baseline) {
            Some(PropertyValue::Baseline { value, period }) => {
                self.period(period).map(|period| Baseline {
                    value: quantity(value),
                    period,
                })
            }
            _ => None,
        };
        let target = match properties.value(PropertyKey::Target) {
            Some(PropertyValue::Target(target)) => self.target(target),
            _ => None,
        };
        let thresholds = match properties.by_key[PropertyKey::Thresholds as usize] {
            Some(property) => self.thresholds(property),
            None => None,
        };
        KpiPart {
            objective,
            owner: properties.text(PropertyKey::Owner),
            direction,
            frequency: properties.frequency(PropertyKey::Frequency),
            baseline,
            target,
            target_written: properties.value(PropertyKey::Target).is_some(),
            thresholds,
            tolerance: self.tolerance(properties),
            weight: self.weight(properties),
            reviewed: properties
                .period(PropertyKey::Reviewed)
                .and_then(|lit| self.period(lit)),
        }
    }

    fn target(&mut self, target: &ast::Target) -> Option<Target> {
        let deadline = |this: &mut Self, deadline: &Option<ast::PeriodLit>| match deadline {
            Some(lit) => this.period(lit).map(Some),
            None => Some(None),
        };
        Some(match target {
            ast::Target::Value {
                value,
                deadline: lit,
            } => Target::Value {
                value: quantity(value),
                deadline: deadline(self, lit)?,
            },
            ast::Target::Range {
                low,
                high,
                deadline: lit,
            } => Target::Range {
                low: quantity(low),
                high: quantity(high),
                deadline: deadline(self, lit)?,
            },
            ast::Target::Milestones(milestones) => {
                // Every milestone is checked, so that each invalid period is reported.
                let periods: Vec<Option<Spanned<Period>>> =
                    milestones.iter().map(|(lit, _)| self.period(lit)).collect();
                let periods: Option<Vec<Spanned<Period>>> = periods.into_iter().collect();
                Target::Milestones(
                    periods?
                        .into_iter()
                        .zip(milestones)
                        .map(|(period, (_, value))| (period, quantity(value)))
                        .collect(),
                )
            }
        })
    }

    /// `thresholds { green … amber … }`: one bound of each band, both of the same form.
    fn thresholds(&mut self, property: &ast::Property) -> Option<Thresholds> {
        let PropertyValue::Thresholds(entries) = &property.value else {
            return None;
        };
        let mut green: Option<&ast::Threshold> = None;
        let mut amber: Option<&ast::Threshold> = None;
        for entry in entries {
            let slot = if entry.band.node == ast::Band::Green {
                &mut green
            } else {
                &mut amber
            };
            if let Some(first) = slot {
                let band = if entry.band.node == ast::Band::Green {
                    "green"
                } else {
                    "amber"
                };
                let finding = Finding::new(
                    Rule::DuplicateProperty,
                    entry.band.span,
                    format!("the {band} bound is given twice"),
                )
                .label("given again here")
                .with_secondary(first.band.span, "first given here");
                self.findings.push(finding);
            } else {
                *slot = Some(entry);
            }
        }
        let (Some(green), Some(amber)) = (green, amber) else {
            let missing = if green.is_none() { "green" } else { "amber" };
            let finding = Finding::new(
                Rule::BadTarget,
                property.key_span,
                format!("the thresholds have no {missing} bound"),
            )
            .label(format!("no {missing} bound"))
            .help("give both bands: `thresholds { green >= 90% amber >= 80% }`");
            self.findings.push(finding);
            return None;
        };
        match (&green.bound, &amber.bound) {
            (
                ast::ThresholdBound::Compare(green_op, green_value),
                ast::ThresholdBound::Compare(amber_op, amber_value),
            ) => {
                if green_op.node != amber_op.node {
                    let finding = Finding::new(Rule::BadTarget, amber_op.span, "the green and amber bounds compare in opposite directions")
                        .label(format!("amber uses `{}`", comparison_text(amber_op.node)))
                        .with_secondary(green_op.span, format!("green uses `{}`", comparison_text(green_op.node)))
                        .help("use `>=` for both when higher is better, `<=` for both when lower is better");
                    self.findings.push(finding);
                    return None;
                }
                let at_least =
                    Spanned::new(green_op.node == ast::Comparison::AtLeast, green_op.span);
                Some(Thresholds::Bounds {
                    green: quantity(green_value),
                    amber: quantity(amber_value),
                    at_least,
                })
            }
            (
                ast::ThresholdBound::Between(green_low, green_high),
                ast::ThresholdBound::Between(amber_low, amber_high),
            ) => Some(Thresholds::Range {
                green: (quantity(green_low), quantity(green_high)),
                amber: (quantity(amber_low), quantity(amber_high)),
            }),
            _ => {
                let finding = Finding::new(Rule::BadTarget, amber.span, "one threshold is a bound and the other a band")
                    .label("this band is written differently")
                    .with_secondary(green.span, "from this one")
                    .help("write `green >= G amber >= A` (or `<=`), or for a range KPI `green LO .. HI amber LO .. HI`");
                self.findings.push(finding);
                None
            }
        }
    }

    /// A weight as a percentage (`60%` and `60` are both 60).
    fn weight(&mut self, properties: &Properties) -> Option<Spanned<f64>> {
        let weight = properties.quantity(PropertyKey::Weight)?;
        self.expect_percent(weight, "a weight")?;
        Some(Spanned::new(weight.value, weight.span))
    }

    /// A tolerance as a fraction (`10%` and `10` are both 0.1).
    fn tolerance(&mut self, properties: &Properties) -> Option<f64> {
        let tolerance = properties.quantity(PropertyKey::Tolerance)?;
        self.expect_percent(tolerance, "a tolerance")?;
        Some(tolerance.value / 100.0)
    }

    fn expect_percent(&mut self, quantity: &ast::Quantity, what: &str) -> Option<()> {
        match &quantity.unit {
            Some(unit) if unit.text() != "%" => {
                let finding = Finding::new(
                    Rule::UnitMismatch,
                    unit.span,
                    format!("{what} is a percentage, not {}", unit.text()),
                )
                .label("not %")
                .help(format!("write {what} in %, e.g. `{}%`", quantity.value));
                self.findings.push(finding);
                None
            }
            _ => Some(()),
        }
    }

    fn year_start(&mut self, number: &Spanned<f64>) -> u32 {
        if number.node.fract() == 0.0 && (1.0..=12.0).contains(&number.node) {
            return number.node as u32;
        }
        let finding = Finding::new(
            Rule::InvalidPeriod,
            number.span,
            format!("`year_start {}` is not a month", number.node),
        )
        .label("not 1–12")
        .help(
            "`year_start` is the month the financial year starts in: 1 (January) to 12 (December)",
        );
        self.findings.push(finding);
        1
    }

    fn period(&mut self, lit: &ast::PeriodLit) -> Option<Spanned<Period>> {
        match Period::parse(&lit.text) {
            Ok(period) => Some(Spanned::new(period, lit.span)),
            Err(error) => {
                self.findings.push(
                    Finding::new(Rule::InvalidPeriod, lit.span, error.0).label("no such period")
                        .help("periods are written 2026, 2026-H1, 2026-Q3, 2026-07, 2026-W05 or 2026-07-15"),
                );
                None
            }
        }
    }

    fn period_span(
        &mut self,
        from: &ast::PeriodLit,
        to: &ast::PeriodLit,
    ) -> Option<(Period, Period)> {
        let (from_period, to_period) = (self.period(from)?, self.period(to)?);
        if to_period.node.last_day() < from_period.node.first_day() {
            let finding = Finding::new(
                Rule::InvalidPeriod,
                from.span.to(to.span),
                format!(
                    "the span {} .. {} ends before it starts",
                    from.text, to.text
                ),
            )
            .label("ends before it starts")
            .help(format!("did you mean {} .. {}?", to.text, from.text));
            self.findings.push(finding);
            return None;
        }
        // A span too long for the project's finest frequency is refused by `span::check`, once
        // every KPI's frequency is known.
        Some((from_period.node, to_period.node))
    }

    fn missing(&mut self, span: Span, message: &str, help: &str) {
        self.findings.push(
            Finding::new(Rule::MissingProperty, span, message)
                .label("declared here")
                .help(help),
        );
    }
}

/// The properties of one declaration, first occurrence by key.
struct Properties<'a> {
    /// Indexed by `PropertyKey as usize`.
    by_key: [Option<&'a ast::Property>; PropertyKey::COUNT],
    data: Vec<&'a ast::Property>,
}

impl<'a> Properties<'a> {
    fn value(&self, key: PropertyKey) -> Option<&'a PropertyValue> {
        self.by_key[key as usize].map(|property| &property.value)
    }

    fn text(&self, key: PropertyKey) -> Option<Spanned<String>> {
        match self.value(key) {
            Some(PropertyValue::Text(text)) => Some(text.clone()),
            _ => None,
        }
    }

    fn reference(&self, key: PropertyKey) -> Option<Reference> {
        match self.value(key) {
            Some(PropertyValue::Ident(ident)) => Some(reference(ident)),
            _ => None,
        }
    }

    fn frequency(&self, key: PropertyKey) -> Option<Grain> {
        match self.value(key) {
            Some(PropertyValue::Frequency(grain)) => Some(grain.node),
            _ => None,
        }
    }

    fn quantity(&self, key: PropertyKey) -> Option<&'a ast::Quantity> {
        match self.value(key) {
            Some(PropertyValue::Quantity(quantity)) => Some(quantity),
            _ => None,
        }
    }

    fn period(&self, key: PropertyKey) -> Option<&'a ast::PeriodLit> {
        match self.value(key) {
            Some(PropertyValue::Period(period)) => Some(period),
            _ => None,
        }
    }
}

fn reference(ident: &ast::Ident) -> Reference {
    Reference {
        name: ident.node.clone(),
        span: ident.span,
        target: None,
    }
}

pub fn declared_unit(unit: &ast::UnitExpr) -> DeclaredUnit {
    let text = unit.text();
    DeclaredUnit {
        is_percent: text == "%",
        unit: Unit::from_expr(unit),
        text,
        span: unit.span,
    }
}

fn quantity(quantity: &ast::Quantity) -> Quantity {
    Quantity {
        value: quantity.value,
        unit: quantity.unit.as_ref().map(declared_unit),
        span: quantity.span,
    }
}

fn comparison_text(comparison: ast::Comparison) -> &'static str {
    match comparison {
        ast::Comparison::AtLeast => ">=",
        ast::Comparison::AtMost => "<=",
    }
}

/// The properties each kind of declaration takes (LANGUAGE.md, Declarations).
fn allowed(kind: BlockKind) -> &'static [PropertyKey] {
    use PropertyKey::*;
    match kind {
        BlockKind::Scorecard => &[
            Owner,
            Period,
            Frequency,
            Tolerance,
            YearStart,
            Review,
            Data,
            Lint,
            Description,
        ],
        BlockKind::Perspective => &[Weight, Description],
        BlockKind::Objective => &[Perspective, Owner, Weight, Drives, Description],
        BlockKind::Metric => &[Unit, Formula, Column, Aggregate, Description],
        BlockKind::Kpi => &[
            Unit,
            Formula,
            Column,
            Aggregate,
            Description,
            Objective,
            Owner,
            Direction,
            Frequency,
            Baseline,
            Target,
            Thresholds,
            Tolerance,
            Weight,
            Reviewed,
        ],
        BlockKind::Initiative => &[Objective, Owner, Due, Status, Budget, Description],
    }
}

fn misplaced_property(kind: BlockKind, property: &ast::Property) -> Finding {
    const KINDS: [BlockKind; 6] = [
        BlockKind::Scorecard,
        BlockKind::Perspective,
        BlockKind::Objective,
        BlockKind::Metric,
        BlockKind::Kpi,
        BlockKind::Initiative,
    ];
    let owners: Vec<&str> = KINDS
        .into_iter()
        .filter(|other| allowed(*other).contains(&property.key))
        .map(BlockKind::keyword)
        .collect();
    let name = property.key.name();
    Finding::new(
        Rule::Syntax,
        property.key_span,
        format!("`{name}` is not a property of a {}", kind.keyword()),
    )
    .label(format!("not allowed on a {}", kind.keyword()))
    .help(format!("`{name}` belongs on: {}", owners.join(", ")))
}
