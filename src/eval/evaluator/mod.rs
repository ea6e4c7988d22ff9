//! [`Evaluator`]: the value of every measure in every period, memoized.

mod builtins;
mod memo;

pub use builtins::round;

use std::sync::Arc;

use self::memo::{Memo, Slot};
use super::aggregate::{InputSeries, effective_aggregate, to_display};
use super::missing::{Missing, Value};
use super::periods;
use crate::data::DataSet;
use crate::period::{Grain, Period};
use crate::semantic::model::{Callee, Formula, FormulaKind, ItemId, ItemKind, Measure, Model};
use crate::semantic::{cycles, graph};
use crate::vocabulary::{Aggregate, BinaryOp};

/// Computes the values of metrics and KPIs from a [`DataSet`], each (measure, period) once.
///
/// ```text
/// let mut evaluator = Evaluator::new(&model, &data);
/// let value = evaluator.value(gross_margin, Grain::Month, period); // 0.42 for 42%
/// let shown = evaluator.display_value(gross_margin, Grain::Month, period); // 42
/// ```
///
/// The period's grain is the grain of evaluation: every measure a formula names is evaluated at
/// that grain. Dependencies between measures are followed with an explicit stack, so a chain of
/// thousands of KPIs, or of `lag`s, costs no recursion; recursion only follows the nesting of
/// one formula (and of the `fn`s it calls).
pub struct Evaluator<'m> {
    model: &'m Model,
    data: &'m DataSet,
    year_start: u32,
    inputs: FastMap<ItemId, InputSeries>,
    /// For each item, the metrics, KPIs and `fn`s its formula names.
    edges: graph::Edges,
    /// Metrics, KPIs and `fn`s that are part of a formula cycle: they have no value.
    in_cycle: Vec<bool>,
    /// For the measures whose notes were asked, the inputs with data their formulas read.
    inputs_read: FastMap<ItemId, Vec<ItemId>>,
    memo: Memo,
    /// The value of a `fn` call by the environment of its body, and period.
    calls: FastMap<(u32, Period), Value>,
    /// The value of a parameter by the environment of the body it is used in, its index, and
    /// period.
    parameters: FastMap<(u32, usize, Period), Value>,
    /// The environments of `fn` bodies: each is a call (its arguments) in its caller's environment.
    /// Environment 0 is that of a measure's formula, which has no parameters.
    frames: Vec<Frame<'m>>,
    frame_ids: FastMap<(u32, usize), u32>,
    /// (measure, period) still to evaluate, and the ones the current formula found missing.
    stack: Vec<(ItemId, Period)>,
    pending: Vec<(ItemId, Period)>,
}

#[derive(Debug, Clone, Copy)]
struct Frame<'m> {
    parent: u32,
    /// The call whose arguments the parameters stand for; `None` at the root.
    call: Option<&'m Formula>,
}

/// The values an evaluator computed (and its inputs' series), kept without its borrows: the
/// check's evaluator hands them to the report's, which then evaluates only what the checks did
/// not.
pub struct Evaluated {
    inputs: FastMap<ItemId, InputSeries>,
    memo: Memo,
    edges: graph::Edges,
    in_cycle: Vec<bool>,
}

impl std::fmt::Debug for Evaluated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluated").finish_non_exhaustive()
    }
}

const ROOT: u32 = 0;

impl<'m> Evaluator<'m> {
    /// An evaluator over `model` and its observations. Values of `%` inputs are read as written
    /// (42 for 42%) and kept as fractions (0.42); the periods of the data set's bad cells have
    /// no value and say where the cell is.
    pub fn new(model: &'m Model, data: &'m DataSet) -> Evaluator<'m> {
        let inputs = data
            .series
            .iter()
            .filter_map(|(id, observations)| {
                let measure = model.items.get(id.0 as usize)?.as_measure()?;
                Some((*id, InputSeries::new(measure, observations)))
            })
            .collect();
        let edges = cycles::formula_edges(model);
        let fresh = Evaluated {
            inputs,
            memo: Memo::new(model.items.len()),
            in_cycle: crate::graph::on_cycles(&edges),
            edges,
        };
        let mut evaluator = Evaluator::resume(model, data, fresh);
        for cell in &data.bad_cells {
            evaluator.record_bad(cell.measure, cell.period, &cell.place);
        }
        evaluator
    }

    /// An evaluator that starts from the values another one computed: `evaluated` must come
    /// from an evaluator over this very model and data (the check's, for the report).
    pub fn resume(model: &'m Model, data: &'m DataSet, evaluated: Evaluated) -> Evaluator<'m> {
        Evaluator {
            model,
            data,
            year_start: periods::year_start(model),
            inputs: evaluated.inputs,
            edges: evaluated.edges,
            in_cycle: evaluated.in_cycle,
            inputs_read: FastMap::default(),
            memo: evaluated.memo,
            calls: FastMap::default(),
            parameters: FastMap::default(),
            frames: vec![Frame {
                parent: ROOT,
                call: None,
            }],
            frame_ids: FastMap::default(),
            stack: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// What this evaluator computed, without its borrows, for [`Evaluator::resume`].
    pub fn into_evaluated(self) -> Evaluated {
        Evaluated {
            inputs: self.inputs,
            memo: self.memo,
            edges: self.edges,
            in_cycle: self.in_cycle,
        }
    }

    /// For each item, the metrics, KPIs and `fn`s its formula names (as
    /// [`cycles::formula_edges`]).
    pub fn formula_edges(&self) -> &graph::Edges {
        &self.edges
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// Records that the observation of input `measure` in `period` could not be read (a
    /// `bad-value` finding at `place`, e.g. `data/actuals.csv:14`): the periods that hold it have
    /// no value, `input bad-value at data/actuals.csv:14`.
    fn record_bad(&mut self, measure: ItemId, period: Period, place: &str) {
        let Some(m) = self.measure(measure) else {
            return;
        };
        self.inputs
            .entry(measure)
            .or_insert_with(|| InputSeries::new(m, &[]))
            .mark_bad(period, Arc::from(place));
    }

    /// The value of `measure` (a metric or KPI) in `period` evaluated at `grain`, in the internal
    /// representation (a `%` share as a fraction). A `period` of another grain stands for the
    /// period of `grain` that holds its last day (as [`Period::at_grain`]).
    pub fn value(&mut self, measure: ItemId, grain: Grain, period: Period) -> Value {
        let period = if period.grain() == grain {
            period
        } else {
            period.at_grain(grain)
        };
        if measure.0 as usize >= self.model.items.len() {
            return Err(Missing::Invalid);
        }
        let key = (measure, period);
        if let Some(Slot::Done(value)) = self.memo.get(key) {
            return value.clone();
        }
        self.stack.push(key);
        while let Some(&key) = self.stack.last() {
            if let Some(Slot::Done(_)) = self.memo.get(key) {
                self.stack.pop();
                continue;
            }
            self.pending.clear();
            let value = self.compute(key);
            if self.pending.is_empty() {
                self.memo.insert(key, Slot::Done(value));
                self.stack.pop();
            } else {
                // Evaluate what it uses first, then this formula again.
                self.memo.insert(key, Slot::Expanding);
                self.stack.append(&mut self.pending);
            }
        }
        match self.memo.get(key) {
            Some(Slot::Done(value)) => value.clone(),
            _ => Err(Missing::Cycle),
        }
    }

    /// [`Evaluator::value`] in the measure's display unit: 42 for 42%.
    pub fn display_value(&mut self, measure: ItemId, grain: Grain, period: Period) -> Value {
        let value = self.value(measure, grain, period)?;
        Ok(self
            .measure(measure)
            .map_or(value, |m| to_display(m, value)))
    }

    /// A KPI's (or metric's) value at its own frequency (see [`periods::measure_grain`]) in its
    /// display unit; `period` may be of any grain, as in [`Evaluator::value`].
    pub fn kpi_value(&mut self, kpi: ItemId, period: Period) -> Value {
        let grain = periods::measure_grain(self.model, kpi);
        self.display_value(kpi, grain, period)
    }

    /// A KPI's values in the display unit over its periods: the scorecard's span at the KPI's
    /// frequency (the report's `series`, future periods included).
    pub fn kpi_series(&mut self, kpi: ItemId) -> Vec<(Period, Value)> {
        periods::kpi_periods(self.model, kpi)
            .into_iter()
            .map(|period| (period, self.kpi_value(kpi, period)))
            .collect()
    }

    /// The owner's note for `measure` in the period (at its grain). An input's is that of the
    /// latest observation inside the period that has one. A measure with a formula has no data
    /// of its own: its note gathers those of the inputs its formula reads, directly or through
    /// other measures and `fn`s, in the order the formula first names them, joined by "; ".
    pub fn note(&mut self, measure: ItemId, period: Period) -> Option<String> {
        if self.data.series.contains_key(&measure) {
            return self.input_note(measure, period).map(str::to_string);
        }
        if !self.inputs_read.contains_key(&measure) {
            let inputs = self.find_inputs_read(measure);
            self.inputs_read.insert(measure, inputs);
        }
        let notes: Vec<&str> = self.inputs_read[&measure]
            .iter()
            .filter_map(|&input| self.input_note(input, period))
            .collect();
        (!notes.is_empty()).then(|| notes.join("; "))
    }

    fn input_note(&self, input: ItemId, period: Period) -> Option<&'m str> {
        let observations = self.data.series.get(&input)?;
        let index = self.inputs.get(&input)?.note_index(period, observations)?;
        observations[index].note.as_deref()
    }

    /// The inputs with data that the formula of `measure` reads, depth first, each once.
    fn find_inputs_read(&self, measure: ItemId) -> Vec<ItemId> {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut found = Vec::new();
        let mut stack = vec![measure];
        while let Some(id) = stack.pop() {
            if id.0 as usize >= self.edges.len() || !seen.insert(id) {
                continue;
            }
            if id != measure && self.data.series.contains_key(&id) {
                found.push(id);
            }
            // Pushed in reverse so the first one named is visited first.
            stack.extend(self.edges[id.0 as usize].iter().rev().map(|&(to, _)| to));
        }
        found
    }

    fn measure(&self, id: ItemId) -> Option<&'m Measure> {
        self.model.items.get(id.0 as usize)?.as_measure()
    }

    /// The value of a measure whose dependencies are evaluated, or a placeholder while
    /// `self.pending` lists the ones that are not yet.
    fn compute(&mut self, (id, period): (ItemId, Period)) -> Value {
        if self.in_cycle[id.0 as usize] {
            return Err(Missing::Cycle);
        }
        match self.measure(id) {
            None => Err(Missing::Invalid),
            Some(Measure {
                formula: Some(formula),
                aggregate,
                ..
            }) => match (&formula.kind, aggregate) {
                // `kpi k extends m { aggregate last }`, or `formula m` with an aggregate: the
                // KPI's own aggregate wins over the input's.
                (FormulaKind::Measure(input), Some(how))
                    if self.measure(*input).is_some_and(|m| m.formula.is_none())
                        && !self.in_cycle[input.0 as usize] =>
                {
                    self.input(*input, *how, period)
                }
                _ => self.eval(formula, ROOT, period),
            },
            Some(measure) => self.input(id, effective_aggregate(measure), period),
        }
    }

    fn input(&self, id: ItemId, how: Aggregate, period: Period) -> Value {
        match self.inputs.get(&id) {
            Some(series) => series.value(period, how),
            None => Err(Missing::NoData),
        }
    }

    /// A measure named in a formula: its memoized value, an input's value at once, or a
    /// placeholder and a note in `pending` that it must be evaluated first.
    fn reference(&mut self, id: ItemId, period: Period) -> Value {
        if self
            .in_cycle
            .get(id.0 as usize)
            .is_none_or(|&cyclic| cyclic)
        {
            return Err(Missing::Cycle);
        }
        match self.memo.get((id, period)) {
            Some(Slot::Done(value)) => return value.clone(),
            // Only a measure that uses itself can meet itself while it waits.
            Some(Slot::Expanding) => return Err(Missing::Cycle),
            None => {}
        }
        match self.measure(id) {
            None => Err(Missing::Invalid),
            Some(measure @ Measure { formula: None, .. }) => {
                let value = self.input(id, effective_aggregate(measure), period);
                self.memo.insert((id, period), Slot::Done(value.clone()));
                value
            }
            Some(_) => {
                self.pending.push((id, period));
                Err(Missing::NoData)
            }
        }
    }

    /// `formula` in the environment `env` (where its parameters stand for arguments) at
    /// `period`. Both operands of an operation are evaluated even when the first is missing, so
    /// that one pass finds every measure the formula needs.
    fn eval(&mut self, formula: &'m Formula, env: u32, period: Period) -> Value {
        match &formula.kind {
            FormulaKind::Number(value, _) => Ok(*value),
            FormulaKind::Measure(id) => self.reference(*id, period),
            FormulaKind::Param(index) => self.parameter(*index, env, period),
            FormulaKind::Negate(operand) => self.eval(operand, env, period).map(|value| -value),
            FormulaKind::Binary(op, left, right) => {
                let left = self.eval(left, env, period);
                let right = self.eval(right, env, period);
                binary(*op, left, right)
            }
            FormulaKind::Call(Callee::Builtin(builtin), args) => {
                self.builtin(*builtin, args, env, period)
            }
            FormulaKind::Call(Callee::Function(function), _) => {
                self.call(formula, *function, env, period)
            }
            FormulaKind::Invalid => Err(Missing::Invalid),
        }
    }

    /// A `fn` helper's body with its parameters standing for the call's arguments (evaluated
    /// where they are written, at the period the body asks for); memoized per call and period.
    fn call(&mut self, call: &'m Formula, function: ItemId, env: u32, period: Period) -> Value {
        if self
            .in_cycle
            .get(function.0 as usize)
            .is_none_or(|&cyclic| cyclic)
        {
            return Err(Missing::Cycle);
        }
        let ItemKind::Function(definition) = &self.model.item(function).kind else {
            return Err(Missing::Invalid);
        };
        let frame = self.frame(env, call);
        if let Some(value) = self.calls.get(&(frame, period)) {
            return value.clone();
        }
        let pending = self.pending.len();
        let value = self.eval(&definition.body, frame, period);
        if self.pending.len() == pending {
            self.calls.insert((frame, period), value.clone());
        }
        value
    }

    /// A parameter of the `fn` body running in `env`: its argument, evaluated where the call
    /// writes it; memoized per environment and period, as `fn`s that pass a parameter on to
    /// other `fn`s would otherwise evaluate it again at every level of the chain.
    fn parameter(&mut self, index: usize, env: u32, period: Period) -> Value {
        let key = (env, index, period);
        if let Some(value) = self.parameters.get(&key) {
            return value.clone();
        }
        let frame = self.frames[env as usize];
        let Some(Formula {
            kind: FormulaKind::Call(_, args),
            ..
        }) = frame.call
        else {
            return Err(Missing::Invalid);
        };
        let Some(argument) = args.get(index) else {
            return Err(Missing::Invalid);
        };
        let pending = self.pending.len();
        let value = self.eval(argument, frame.parent, period);
        if self.pending.len() == pending {
            self.parameters.insert(key, value.clone());
        }
        value
    }

    /// The environment of a call's body: interned, so that a call is memoized once per place.
    fn frame(&mut self, parent: u32, call: &'m Formula) -> u32 {
        let key = (parent, call as *const Formula as usize);
        if let Some(&id) = self.frame_ids.get(&key) {
            return id;
        }
        let id = self.frames.len() as u32;
        self.frames.push(Frame {
            parent,
            call: Some(call),
        });
        self.frame_ids.insert(key, id);
        id
    }

    /// The measure an argument names, followed through `fn` parameters.
    fn measure_argument(&self, formula: &'m Formula, env: u32) -> Result<ItemId, Missing> {
        match self.argument(formula, env)?.kind {
            FormulaKind::Measure(id) => Ok(id),
            _ => Err(Missing::Invalid),
        }
    }

    /// What an argument stands for: a parameter of an enclosing `fn` is replaced by the argument
    /// its call gives, through as many calls as it takes.
    fn argument(&self, mut formula: &'m Formula, mut env: u32) -> Result<&'m Formula, Missing> {
        while let FormulaKind::Param(index) = formula.kind {
            let frame = self.frames[env as usize];
            match frame.call {
                Some(Formula {
                    kind: FormulaKind::Call(_, args),
                    ..
                }) if index < args.len() => {
                    formula = &args[index];
                    env = frame.parent;
                }
                _ => return Err(Missing::Invalid),
            }
        }
        Ok(formula)
    }
}

/// `left op right`, missing with the first missing operand's reason.
fn binary(op: BinaryOp, left: Value, right: Value) -> Value {
    let (left, right) = (left?, right?);
    match op {
        BinaryOp::Add => finite(left + right),
        BinaryOp::Sub => finite(left - right),
        BinaryOp::Mul => finite(left * right),
        BinaryOp::Div if right == 0.0 => Err(Missing::DivisionByZero),
        BinaryOp::Div => finite(left / right),
    }
}

fn finite(value: f64) -> Value {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Missing::Overflow)
    }
}

/// A fast hash for the small keys of the memo.
type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
