//! Step 1 of the semantic stage: every declaration of every file becomes a model item. Checks
//! what needs no other declaration: properties allowed, duplicated or missing, units written,
//! periods that exist.
//!
//! This file walks the files and their declarations and checks the properties of each block;
//! `kinds` reads each kind of declaration into its item, `values` the values of properties
//! (targets, thresholds, weights, periods, quantities).

mod kinds;
mod values;

use self::values::reference;
use super::model::*;
use crate::diagnostics::{self, Edit, Finding, Fix, Rule};
use crate::period::Grain;
use crate::project::Project;
use crate::source::{FileId, Origin, SourceMap, Span};
use crate::syntax::ast::{self, BlockKind, PropertyKey, PropertyValue, Spanned};

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
        sources: &project.sources,
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
    /// The texts, for the fix of a property written twice on identical lines.
    sources: &'p SourceMap,
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
                    BlockKind::Org => ItemKind::Org(self.org(&properties)),
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

    /// The fix of a property given again on a line identical to the first one's (blanks
    /// aside): that second line removed.
    fn remove_repeated_line(&self, first: &ast::Property, again: &ast::Property) -> Option<Fix> {
        let file = self.sources.get(again.span.file);
        let line = |span: Span| diagnostics::whole_line(file, span.file, span);
        let (first_line, again_line) = (line(first.span)?, line(again.span)?);
        let text = |span: Span| file.text[span.range()].trim();
        (text(first_line) == text(again_line)).then(|| {
            Fix::new(
                format!("remove the second `{}`", text(again_line)),
                vec![Edit::new(again_line, "")],
            )
        })
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
            repeated: Vec::new(),
        };
        for property in &block.properties {
            if !allowed(block.kind).contains(&property.key) {
                self.findings.push(misplaced_property(block.kind, property));
                continue;
            }
            if REPEATABLE.contains(&property.key) {
                properties.repeated.push(property);
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
                let finding = match self.remove_repeated_line(first, property) {
                    Some(fix) => finding.fix(fix),
                    None => finding,
                };
                self.findings.push(finding);
                continue;
            }
            properties.by_key[property.key as usize] = Some(property);
        }
        properties
    }

    /// The properties of a `for ORG { … }` block of a `kind` (a KPI or an objective), after
    /// reporting those it does not take and those given twice.
    pub(super) fn for_properties<'b>(
        &mut self,
        kind: BlockKind,
        list: &'b [ast::Property],
    ) -> Properties<'b> {
        let mut properties = Properties {
            by_key: [None; PropertyKey::COUNT],
            repeated: Vec::new(),
        };
        let takes = for_block_allowed(kind);
        for property in list {
            let name = property.key.name();
            if !takes.contains(&property.key) {
                let taken: Vec<&str> = takes.iter().map(|key| key.name()).collect();
                self.findings.push(
                    Finding::new(
                        Rule::Syntax,
                        property.key_span,
                        format!("`{name}` is not a property of a `for` block"),
                    )
                    .label("not allowed in a `for` block")
                    .help(format!(
                        "a `for` block of {} takes: {}",
                        if kind == BlockKind::Kpi {
                            "a KPI"
                        } else {
                            "an objective"
                        },
                        taken.join(", ")
                    )),
                );
                continue;
            }
            if let Some(first) = properties.by_key[property.key as usize] {
                self.findings.push(
                    Finding::new(
                        Rule::DuplicateProperty,
                        property.key_span,
                        format!("`{name}` is given twice in one `for` block"),
                    )
                    .label("given again here")
                    .with_secondary(first.key_span, "first given here")
                    .help("a `for` block takes each property once: remove one"),
                );
                continue;
            }
            properties.by_key[property.key as usize] = Some(property);
        }
        properties
    }

    fn missing(&mut self, span: Span, message: &str, help: &str) {
        self.findings.push(
            Finding::new(Rule::MissingProperty, span, message)
                .label("declared here")
                .help(help),
        );
    }
}

/// The properties a declaration may give more than once, each adding one more: `data` and
/// `targets` files, `for` blocks.
const REPEATABLE: &[PropertyKey] = &[PropertyKey::Data, PropertyKey::Targets, PropertyKey::For];

/// The properties of one declaration, first occurrence by key.
struct Properties<'a> {
    /// Indexed by `PropertyKey as usize`.
    by_key: [Option<&'a ast::Property>; PropertyKey::COUNT],
    /// The properties of [`REPEATABLE`] keys, in order.
    repeated: Vec<&'a ast::Property>,
}

impl<'a> Properties<'a> {
    /// Every value given for a repeatable key, in order.
    fn all(&self, key: PropertyKey) -> impl Iterator<Item = &'a PropertyValue> + '_ {
        self.repeated
            .iter()
            .filter(move |p| p.key == key)
            .map(|p| &p.value)
    }

    /// Every text given for a repeatable key (`data`, `targets`), in order.
    fn texts(&self, key: PropertyKey) -> Vec<Spanned<String>> {
        self.all(key)
            .filter_map(|value| match value {
                PropertyValue::Text(text) => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

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
            Targets,
        ],
        BlockKind::Perspective => &[Weight, Description],
        BlockKind::Objective => &[Perspective, Owner, Weight, Drives, Description, For],
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
            For,
        ],
        BlockKind::Initiative => &[Objective, Owner, Due, Status, Budget, Description],
        BlockKind::Org => &[Parent, Owner, Description],
    }
}

/// The properties a `for ORG { … }` block takes inside a KPI or an objective (ORGS.md).
fn for_block_allowed(kind: BlockKind) -> &'static [PropertyKey] {
    use PropertyKey::*;
    match kind {
        BlockKind::Kpi => &[Owner, Baseline, Target, Thresholds, Tolerance, Weight],
        _ => &[Owner, Weight],
    }
}

fn misplaced_property(kind: BlockKind, property: &ast::Property) -> Finding {
    const KINDS: [BlockKind; 7] = [
        BlockKind::Scorecard,
        BlockKind::Perspective,
        BlockKind::Objective,
        BlockKind::Metric,
        BlockKind::Kpi,
        BlockKind::Initiative,
        BlockKind::Org,
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
