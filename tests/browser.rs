//! The HTML report in a real browser: both examples rendered, then opened in headless Chromium
//! (Debian's `chromium`, driven by playwright-core from `tests/browser/`), which reports what a
//! reader's browser sees; this test asserts on it. `.ci/run` installs Chromium and the npm
//! packages; elsewhere the test is skipped with a note when Chromium is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("KPIC_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// `npm ci` in tests/browser, once (the packages are pinned by its package-lock.json).
fn install_packages(folder: &Path) {
    if folder.join("node_modules/playwright-core").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(folder)
        .status()
        .expect("npm runs");
    assert!(status.success(), "npm ci in {}", folder.display());
}

fn render(example: &str, out: &Path) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["report", example, "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("kpic runs");
    assert!(output.status.success(), "{output:?}");
    out.join("index.html")
}

/// A project of 30 objectives in four perspectives, each driving one or two objectives one, two
/// or three bands up (a fixed pseudo-random choice): a map that must still read.
fn thirty_objectives(folder: &Path) -> PathBuf {
    let project = folder.join("thirty");
    std::fs::create_dir_all(&project).unwrap();
    let mut text = String::from(
        "scorecard \"Thirty\" {\n  period 2026-01 .. 2026-03\n}\n\
         perspective fin \"Financial\"\nperspective cus \"Customer\"\n\
         perspective ops \"Internal processes\"\nperspective ppl \"Learning and growth\"\n",
    );
    let bands = ["fin", "cus", "ops", "ppl"];
    let band_of = |i: usize| i * 7 / 30 % 4;
    let mut seed = 7u64;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for i in 0..30 {
        let band = band_of(i);
        let above: Vec<usize> = (0..30).filter(|&j| band_of(j) < band).collect();
        let drives: Vec<String> = (0..if above.is_empty() { 0 } else { 1 + next(2) })
            .map(|_| format!("o{}", above[next(above.len())]))
            .collect();
        text += &format!(
            "objective o{i} \"Objective number {i} of the map\" {{\n  perspective {}\n  owner \"Owner {i}\"\n{}}}\n",
            bands[band],
            if drives.is_empty() {
                String::new()
            } else {
                format!("  drives {}\n", drives.join(", "))
            }
        );
    }
    std::fs::write(project.join("scorecard.kpi"), text).unwrap();
    project
}

#[test]
fn both_examples_in_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs Chromium (.ci/run)"
        );
        eprintln!("SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium)");
        return;
    };
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    install_packages(&folder);
    let out = tempfile::tempdir().unwrap();
    let pages: Vec<PathBuf> = ["examples/acme", "examples/riverside"]
        .iter()
        .map(|example| render(example, &out.path().join(example.replace('/', "-"))))
        .collect();
    let thirty = render(
        thirty_objectives(out.path()).to_str().unwrap(),
        &out.path().join("thirty-report"),
    );
    let output = Command::new("node")
        .arg("report.mjs")
        .args(&pages)
        .arg(&thirty)
        .env("KPIC_CHROMIUM", &chromium)
        .current_dir(&folder)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut facts: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(facts.len(), 3);
    // The map of 30 objectives: drawn, and no arrow under a box.
    let map = facts.pop().unwrap();
    assert!(map["arrows"].as_u64().unwrap() >= 25, "{map}");
    assert_eq!(map["arrowsUnderBoxes"], serde_json::json!([]));
    assert_eq!(map["consoleErrors"], serde_json::json!([]));
    assert_eq!(map["axeLight"], serde_json::json!([]));
    for page in &facts {
        let name = &page["page"];
        assert_eq!(page["consoleErrors"], serde_json::json!([]), "{name}");
        assert_eq!(
            page["requests"],
            serde_json::json!([]),
            "{name}: the page is offline"
        );
        for mode in ["axeLight", "axeDark"] {
            assert_eq!(
                page[mode],
                serde_json::json!([]),
                "{name}: serious axe findings ({mode})"
            );
        }
        assert!(
            page["arrows"].as_u64().unwrap() > 5,
            "{name}: the map's arrows"
        );
        assert_eq!(
            page["arrowsUnderBoxes"],
            serde_json::json!([]),
            "{name}: an arrow under a box shows a link that does not exist"
        );
        // The table's filters and sort, without a server.
        let filters = &page["filters"];
        let red = filters["red"].as_array().unwrap();
        assert!(!red.is_empty(), "{name}: the examples have red KPIs");
        assert!(red.iter().all(|r| r["status"] == "red"), "{name}: {red:?}");
        assert_eq!(filters["redCount"], format!("{} KPIs shown", red.len()));
        let of_owner = filters["ofOwner"].as_array().unwrap();
        assert!(!of_owner.is_empty());
        assert!(
            of_owner.iter().all(|r| r["owner"] == filters["owner"]),
            "{name}"
        );
        for group in filters["sortedGroups"].as_array().unwrap() {
            let scores: Vec<f64> = group
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_f64().unwrap_or(f64::INFINITY))
                .collect();
            assert!(
                scores.windows(2).all(|w| w[0] <= w[1]),
                "{name}: {scores:?}"
            );
        }
        for size in ["clippedDesktop", "clippedPhone"] {
            assert_eq!(
                page[size],
                serde_json::json!([]),
                "{name}: text cut off ({size})"
            );
        }
        assert_eq!(
            page["phone"]["scrollWidth"], page["phone"]["clientWidth"],
            "{name}: at 390 px the page scrolls sideways"
        );

        // The header and the address follow the period selector, and a link opens that period.
        assert!(page["periods"].as_u64().unwrap() > 1, "{name}");
        let latest = &page["latest"];
        assert_eq!(latest["lead"], "as of", "{name}");
        assert_eq!(latest["asOfShown"], false, "{name}");
        assert_eq!(latest["search"], "", "{name}");
        let first = &page["first"];
        assert_eq!(first["lead"], "showing", "{name}");
        assert_ne!(first["shown"], latest["shown"], "{name}");
        assert_eq!(first["asOfShown"], true, "{name}");
        assert!(
            first["search"].as_str().unwrap().starts_with("?period="),
            "{name}: {first}"
        );
        assert_eq!(
            page["reopened"], *first,
            "{name}: the link opens the chosen period"
        );
        assert_eq!(page["backToLatest"], *latest, "{name}");
    }
}

/// An org's page (ORGS.md) in headless Chromium: the North region of the chain example, with
/// its stores' matrix and league tables following the period selector, and links to the
/// stores' pages that open on the period chosen.
#[test]
fn an_org_page_in_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs Chromium (.ci/run)"
        );
        eprintln!("SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium)");
        return;
    };
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    install_packages(&folder);
    let out = tempfile::tempdir().unwrap();
    render("examples/chain", out.path());
    let north = out.path().join("org/north.html");
    let output = Command::new("node")
        .arg("orgs.mjs")
        .arg(&north)
        .env("KPIC_CHROMIUM", &chromium)
        .current_dir(&folder)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let facts: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(facts["consoleErrors"], serde_json::json!([]), "{facts}");
    assert_eq!(
        facts["requests"],
        serde_json::json!([]),
        "the page is offline"
    );
    assert_eq!(facts["axeLight"], serde_json::json!([]));
    assert_eq!(facts["axeDark"], serde_json::json!([]));
    assert_eq!(facts["phone"]["scrollWidth"], facts["phone"]["clientWidth"]);
    let periods = facts["periods"].as_array().unwrap();
    let last = (periods.len() - 1).to_string();
    assert_eq!(
        facts["latest"]["crumbs"],
        serde_json::json!(["Northwind Home", "North region"])
    );
    assert_eq!(facts["latest"]["units"], 6);
    assert_eq!(facts["latest"]["matrixPeriods"], serde_json::json!([last]));
    assert_eq!(facts["latest"]["leaguePeriods"], serde_json::json!([last]));
    assert!(facts["latest"]["leagueRows"].as_u64().unwrap() >= 2);
    assert_eq!(facts["first"]["matrixPeriods"], serde_json::json!(["0"]));
    assert_eq!(facts["first"]["leaguePeriods"], serde_json::json!(["0"]));
    let first = periods[0]["code"].as_str().unwrap();
    let links = facts["first"]["orgLinks"].as_array().unwrap();
    assert!(
        links
            .iter()
            .all(|l| l.as_str().unwrap().contains(&format!("?period={first}"))),
        "{links:?}"
    );
    assert_eq!(facts["followed"]["search"], format!("?period={first}"));
    assert_eq!(facts["followed"]["selected"], "0");
}
