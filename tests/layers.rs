//! The pipeline's order as a fact the build checks: a module of `src/` may use only the modules
//! of lower layers (test code aside, which may drive the whole pipeline). A new module gets its
//! layer here; an import against the order fails this test with the file and line.

use std::fs;
use std::path::Path;

/// Each top-level module of the crate and its layer, lowest first.
const LAYERS: &[(&str, u8)] = &[
    ("source", 0),
    ("period", 1),
    ("stdlib", 0),
    ("input", 0),
    ("graph", 1),
    ("vocabulary", 1),
    ("unit", 2),
    ("diagnostics", 2),
    ("syntax", 3),
    ("project", 4),
    ("fmt", 4),
    ("semantic", 5),
    ("data", 6),
    ("eval", 7),
    ("score", 7),
    ("checks", 8),
    ("pipeline", 9),
    ("report", 10),
    ("diff", 11),
    ("watch", 11),
    ("lsp", 11),
    ("cli", 12),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, layer)| *layer)
}

/// The modules named by `crate::NAME` on a line of code (comments left out).
fn used_modules(line: &str) -> impl Iterator<Item = &str> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::").map(move |(at, _)| {
        let rest = &code[at + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        &rest[..end]
    })
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_module_uses_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for path in files {
        let relative = path.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let module = module.trim_end_matches(".rs");
        if matches!(module, "lib" | "main") || relative.ends_with("tests.rs") {
            continue;
        }
        let own = layer(module).unwrap_or_else(|| panic!("src/{module} has no layer in LAYERS"));
        let text = fs::read_to_string(&path).unwrap();
        // Test code may drive any stage.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (number, line) in code.lines().enumerate() {
            for used in used_modules(line) {
                let Some(used_layer) = layer(used) else {
                    continue; // an item of lib.rs, not a module
                };
                if used != module && used_layer >= own {
                    violations.push(format!(
                        "src/{}:{}: `{module}` (layer {own}) uses `{used}` (layer {used_layer})",
                        relative.display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports against the pipeline order:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_check_finds_an_import_against_the_order() {
    let used: Vec<&str> = used_modules("use crate::report::Report; // crate::cli").collect();
    assert_eq!(used, ["report"]);
    assert!(layer("report") >= layer("score"));
}
