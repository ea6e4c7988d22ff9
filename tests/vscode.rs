//! The VS Code extension in editors/vscode: its TextMate grammar tokenizes every example, the
//! standard library and a fixture with the engine VS Code uses (vscode-textmate on
//! vscode-oniguruma, driven by `editors/vscode/test/grammar.test.mjs`), and its manifest is one
//! VS Code loads. The npm packages are pinned by editors/vscode/package-lock.json.

use std::path::Path;
use std::process::Command;

#[test]
fn the_grammar_tokenizes_every_kpi_file_and_the_manifest_is_valid() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    if !folder.join("node_modules/vscode-textmate").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(&folder)
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm ci in {}", folder.display());
    }
    let output = Command::new("node")
        .arg("test/grammar.test.mjs")
        .current_dir(&folder)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
