//! The standard library: `.kpi` modules embedded in the binary, loaded with `use std.NAME`.

/// Every module, by the name `use std.NAME` takes.
pub const MODULES: &[(&str, &str)] = &[
    ("bsc", include_str!("../stdlib/bsc.kpi")),
    ("time", include_str!("../stdlib/time.kpi")),
    ("finance", include_str!("../stdlib/finance.kpi")),
    ("customer", include_str!("../stdlib/customer.kpi")),
    ("people", include_str!("../stdlib/people.kpi")),
    ("operations", include_str!("../stdlib/operations.kpi")),
];

/// The source of `std.NAME`.
pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(module, _)| *module == name)
        .map(|(_, source)| *source)
}

/// The name findings show for a module's file.
pub fn file_name(name: &str) -> String {
    format!("<std>/{name}.kpi")
}
