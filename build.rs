//! Build-time inputs that cargo cannot see on its own.

use std::path::Path;

fn main() {
    // pest_derive does not tell cargo that the grammar is an input; say it here.
    println!("cargo:rerun-if-changed=grammar/kpi.pest");
    embed_rule_explanations();
}

/// Writes `$OUT_DIR/explanations.rs`: every `docs/rules/NAME.md`, embedded for `kpic explain`
/// and SARIF's rule help. A test checks that every rule has one.
fn embed_rule_explanations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
                .filter_map(|path| {
                    println!("cargo:rerun-if-changed={}", path.display());
                    let name = path.file_stem()?.to_str()?.to_string();
                    Some((name, path.display().to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    let table: String = entries
        .iter()
        .map(|(name, path)| format!("    ({name:?}, include_str!({path:?})),\n"))
        .collect();
    let code = format!(
        "/// Each rule's explanation, by rule name.\npub const EXPLANATIONS: &[(&str, &str)] = &[\n{table}];\n"
    );
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("explanations.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
