//! The evaluator's memo: every (measure, period) computed once, in dense rows of periods per
//! measure and grain, with a map for rows that would grow too long.

use super::FastMap;
use crate::eval::missing::Value;
use crate::period::{Grain, Period};
use crate::semantic::model::ItemId;

#[derive(Debug, Clone)]
pub(super) enum Slot {
    /// Waiting for the measures its formula uses.
    Expanding,
    Done(Value),
}

/// The values computed so far, by measure, grain and period: a dense row of periods per measure
/// and grain (periods of one measure sit together), a map for rows that would grow too long.
pub(super) struct Memo {
    rows: Vec<Vec<Row>>,
    far: FastMap<(ItemId, Period), Slot>,
}

struct Row {
    grain: Grain,
    /// The ordinal of the period in `slots[0]`.
    base: i64,
    slots: Vec<Option<Slot>>,
}

/// The longest row: 16,384 periods (45 years of days); periods beyond go to the map.
const MAX_ROW: i64 = 1 << 14;

impl Memo {
    pub(super) fn new(items: usize) -> Memo {
        Memo {
            rows: (0..items).map(|_| Vec::new()).collect(),
            far: FastMap::default(),
        }
    }

    pub(super) fn get(&self, (id, period): (ItemId, Period)) -> Option<&Slot> {
        let grain = period.grain();
        let rows = self.rows.get(id.0 as usize)?;
        if let Some(row) = rows.iter().find(|row| row.grain == grain) {
            let index = period.ordinal() - row.base;
            if (0..row.slots.len() as i64).contains(&index)
                && let Some(slot) = &row.slots[index as usize]
            {
                return Some(slot);
            }
        }
        if self.far.is_empty() {
            return None;
        }
        self.far.get(&(id, period))
    }

    pub(super) fn insert(&mut self, (id, period): (ItemId, Period), slot: Slot) {
        let grain = period.grain();
        let ordinal = period.ordinal();
        let Some(rows) = self.rows.get_mut(id.0 as usize) else {
            return;
        };
        let row = match rows.iter().position(|row| row.grain == grain) {
            Some(position) => &mut rows[position],
            None => {
                rows.push(Row {
                    grain,
                    base: ordinal,
                    slots: Vec::new(),
                });
                rows.last_mut().expect("just pushed")
            }
        };
        let end = row.base + row.slots.len() as i64;
        let (low, high) = (row.base.min(ordinal), end.max(ordinal + 1));
        if high - low > MAX_ROW {
            self.far.insert((id, period), slot);
            return;
        }
        if ordinal < row.base {
            // Grow towards the past with some room, as lags and windows walk backwards.
            let new_base = (ordinal - 16).max(end - MAX_ROW);
            let mut slots = Vec::with_capacity((end - new_base) as usize);
            slots.resize_with((row.base - new_base) as usize, || None);
            slots.append(&mut row.slots);
            row.slots = slots;
            row.base = new_base;
        } else if ordinal >= end {
            row.slots
                .resize_with((ordinal + 1 - row.base) as usize, || None);
        }
        row.slots[(ordinal - row.base) as usize] = Some(slot);
    }
}
