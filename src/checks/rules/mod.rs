//! One module per rule, each with its check; [`ALL`] lists them.

use super::Check;

pub const ALL: &[Check] = &[];
