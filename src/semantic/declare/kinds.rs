//! Each kind of declaration read into its model item: the scorecard, perspectives, objectives,
//! initiatives, metrics and KPIs (their properties checked by [`super::Declarer::properties`]).

use super::values::{declared_unit, quantity, reference};
use super::{Declarer, Properties};
use crate::period::Grain;
use crate::semantic::model::*;
use crate::source::Span;
use crate::syntax::ast::{self, BlockKind, PropertyKey, PropertyValue};

impl Declarer<'_, '_> {
    pub(super) fn scorecard(
        &mut self,
        block: &ast::BlockDecl,
        item: &ast::Item,
        properties: &Properties,
    ) -> Scorecard {
        let header = block.keyword.to(block.title.span);
        let (period, period_span) = match properties.value(PropertyKey::Period) {
            Some(PropertyValue::PeriodSpan(span)) => {
                let (from, to) = &**span;
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
            data: properties.texts(PropertyKey::Data),
            targets: properties.texts(PropertyKey::Targets),
            lint,
            attributes: item.attributes.clone(),
            span: header,
            declaration: block.span,
        }
    }

    pub(super) fn perspective(&mut self, properties: &Properties) -> Perspective {
        let order = self.perspective_count;
        self.perspective_count += 1;
        Perspective {
            weight: self.weight(properties),
            order,
        }
    }

    pub(super) fn objective(
        &mut self,
        block: &ast::BlockDecl,
        properties: &Properties,
    ) -> Objective {
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
        let for_orgs = properties
            .all(PropertyKey::For)
            .filter_map(|value| match value {
                PropertyValue::For { org, properties } => Some((org, properties)),
                _ => None,
            })
            .map(|(org, list)| {
                let properties = self.for_properties(BlockKind::Objective, list);
                ObjectiveFor {
                    org: reference(org),
                    owner: properties.text(PropertyKey::Owner),
                    weight: self.weight(&properties),
                }
            })
            .collect();
        Objective {
            perspective,
            owner: properties.text(PropertyKey::Owner),
            weight: self.weight(properties),
            drives,
            for_orgs,
        }
    }

    pub(super) fn org(&mut self, properties: &Properties) -> Org {
        Org {
            parent: properties.reference(PropertyKey::Parent),
            owner: properties.text(PropertyKey::Owner),
        }
    }

    pub(super) fn initiative(
        &mut self,
        block: &ast::BlockDecl,
        properties: &Properties,
    ) -> Initiative {
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

    pub(super) fn measure(&mut self, block: &ast::BlockDecl, properties: &Properties) -> Measure {
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

    pub(super) fn kpi_part(&mut self, block: &ast::BlockDecl, properties: &Properties) -> KpiPart {
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
        let baseline = self.baseline(properties);
        let target = match properties.value(PropertyKey::Target) {
            Some(PropertyValue::Target(target)) => self.target(target),
            _ => None,
        };
        let thresholds = match properties.by_key[PropertyKey::Thresholds as usize] {
            Some(property) => self.thresholds(property),
            None => None,
        };
        let for_orgs = properties
            .repeated
            .iter()
            .filter_map(|property| match &property.value {
                PropertyValue::For { org, properties } => Some((property.span, org, properties)),
                _ => None,
            })
            .map(|(span, org, list)| self.kpi_for(span, org, list))
            .collect();
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
            for_orgs,
        }
    }

    fn baseline(&mut self, properties: &Properties) -> Option<Baseline> {
        match properties.value(PropertyKey::Baseline) {
            Some(PropertyValue::Baseline(baseline)) => {
                self.period(&baseline.period).map(|period| Baseline {
                    value: quantity(&baseline.value),
                    period,
                })
            }
            _ => None,
        }
    }

    /// A KPI's `for ORG { … }` block.
    fn kpi_for(&mut self, span: Span, org: &ast::Ident, list: &[ast::Property]) -> KpiFor {
        let properties = self.for_properties(BlockKind::Kpi, list);
        KpiFor {
            org: reference(org),
            owner: properties.text(PropertyKey::Owner),
            baseline: self.baseline(&properties),
            target: match properties.value(PropertyKey::Target) {
                Some(PropertyValue::Target(target)) => self.target(target),
                _ => None,
            },
            thresholds: match properties.by_key[PropertyKey::Thresholds as usize] {
                Some(property) => self.thresholds(property),
                None => None,
            },
            tolerance: self.tolerance(&properties),
            weight: self.weight(&properties),
            span,
            from_file: false,
        }
    }
}
