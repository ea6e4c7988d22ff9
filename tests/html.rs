//! `kpic report` (HTML): escaping, a snapshot, determinism, atomic writes, and the page's figures
//! against `report.json`.

use std::path::Path;
use std::process::{Command, Output};

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

fn kpic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("kpic runs")
}

fn report(project: &str, format: &str, out: &Path) -> String {
    let out = out.to_str().unwrap();
    let output = kpic(&["report", project, "--format", format, "--out", out]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let file = if format == "json" {
        "report.json"
    } else {
        "index.html"
    };
    std::fs::read_to_string(Path::new(out).join(file)).unwrap()
}

fn html(project: &str) -> String {
    report(project, "html", tempfile::tempdir().unwrap().path())
}

fn json(project: &str) -> Value {
    serde_json::from_str(&report(
        project,
        "json",
        tempfile::tempdir().unwrap().path(),
    ))
    .unwrap()
}

fn select<'a>(element: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    element.select(&Selector::parse(css).unwrap()).collect()
}

fn one<'a>(element: ElementRef<'a>, css: &str) -> ElementRef<'a> {
    let found = select(element, css);
    assert_eq!(found.len(), 1, "{css}: {} found", found.len());
    found[0]
}

fn text(element: ElementRef<'_>) -> String {
    element.text().collect()
}

/// Every title, description, owner and note of this project holds markup, quotes and
/// ampersands.
const HOSTILE: &str = r#"scorecard "Q&A <script>alert('title')</script> \"quoted\"" {
  owner "R&D <b>bold</b> 'single'"
  period 2026-01 .. 2026-03
  frequency monthly
  data "actuals.csv"
}

perspective fin "Fin & \"Ops\" <i>italic</i>" {
  description "Money <script>alert(1)</script>"
}

objective obj "Objective <script>alert('o')</script> & co" {
  perspective fin
  owner "O'Brien & <Co>"
}

/// Described with <script>alert("d")</script> & "quotes" </textarea> -->.
kpi sales "Sales <img src=x onerror=alert(1)> & \"q\"" {
  objective obj
  owner "Owner <script>alert('w')</script> & 'x'"
  unit EUR
  direction up
  target 100 EUR
}

initiative push "Push <script>alert('i')</script>" {
  objective obj
  owner "Ann & <Bob>"
  due 2026-03
  status at_risk
}
"#;

const HOSTILE_CSV: &str = "period,metric,value,note\n\
2026-01,sales,90,\"<script>alert('n')</script> & \"\"quoted\"\" </script><!--\"\n\
2026-02,sales,120,\n";

#[test]
fn markup_quotes_and_ampersands_in_the_sources_and_data_appear_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("hostile");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("scorecard.kpi"), HOSTILE).unwrap();
    std::fs::write(project.join("actuals.csv"), HOSTILE_CSV).unwrap();
    let page = html(project.to_str().unwrap());
    let document = Html::parse_document(&page);
    let root = document.root_element();

    // Only the page's own two scripts, and no element from the sources.
    assert_eq!(select(root, "script").len(), 2);
    assert!(select(root, "img, b:not([data-f]), i:not([aria-hidden]), textarea").is_empty());
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<!--"));

    let title = "Q&A <script>alert('title')</script> \"quoted\"";
    assert_eq!(text(one(root, "h1")), title);
    assert_eq!(text(one(root, "head > title")), title);
    assert!(text(one(root, ".eyebrow")).contains("R&D <b>bold</b> 'single'"));
    let kpi = one(root, "article.kpi");
    assert_eq!(
        text(one(kpi, "h4")),
        "Sales <img src=x onerror=alert(1)> & \"q\""
    );
    assert_eq!(
        text(one(kpi, ".desc")),
        "Described with <script>alert(\"d\")</script> & \"quotes\" </textarea> -->."
    );
    assert!(
        select(kpi, "dd")
            .iter()
            .any(|dd| text(*dd) == "Owner <script>alert('w')</script> & 'x'")
    );
    let note = one(kpi, ".notes li:not(.missing)");
    assert!(
        text(note).ends_with("<script>alert('n')</script> & \"quoted\" </script><!--"),
        "{}",
        text(note)
    );
    assert!(
        text(one(root, "#h-obj-obj")) == "Objective <script>alert('o')</script> & co"
            && text(one(root, "#h-persp-fin")) == "Fin & \"Ops\" <i>italic</i>"
    );
    assert!(text(one(root, ".initiatives")).contains("Push <script>alert('i')</script>"));
    assert!(text(one(root, ".initiatives")).contains("Ann & <Bob>"));
    // In the strategy map's SVG too.
    assert!(
        select(root, "svg.map title")
            .iter()
            .any(|t| text(*t) == "Objective <script>alert('o')</script> & co (O'Brien & <Co>)")
    );
    // The script's data holds no `<` that could end its element.
    let data = text(one(root, "script#kpic-data"));
    assert!(!data.contains('<'));
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(
        data["highlights"][1][0][0][0], 0,
        "sales improved in 2026-02"
    );
}

#[test]
fn snapshot_of_a_small_project() {
    let page = html("tests/report/mixed");
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html/mixed.html");
    if std::env::var_os("KPIC_BLESS").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(&expected_path, &page).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert!(
        page == expected,
        "the page differs from tests/html/mixed.html (KPIC_BLESS=1 rewrites it)"
    );
}

#[test]
fn two_runs_give_identical_bytes_and_stamp_adds_the_time() {
    assert_eq!(html("examples/acme"), html("examples/acme"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let output = kpic(&["report", "examples/acme", "--out", out, "--stamp"]);
    assert_eq!(output.status.code(), Some(0));
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    let document = Html::parse_document(&page);
    let stamp = text(one(document.root_element(), "footer time"));
    assert!(stamp.ends_with(" UTC") && stamp.len() == 23, "{stamp}");
}

#[test]
fn the_page_is_self_contained() {
    for project in ["examples/acme", "examples/riverside"] {
        let page = html(project);
        for outside in ["http:", "https:", "<link", " src=", "@import", "url(http"] {
            assert!(!page.contains(outside), "{project}: {outside}");
        }
    }
}

#[test]
fn a_failed_render_leaves_the_previous_page_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    for file in ["scorecard.kpi", "actuals.csv"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/report/mixed")
                .join(file),
            project.join(file),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let (project, out_arg) = (project.to_str().unwrap(), out.to_str().unwrap());
    let args = ["report", project, "--out", out_arg];
    assert_eq!(kpic(&args).status.code(), Some(0));
    let previous = std::fs::read_to_string(out.join("index.html")).unwrap();

    // The project broken afterwards: errors, nothing written.
    let source = Path::new(project).join("scorecard.kpi");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(
        &source,
        format!("{text}\nkpi broken \"B\" {{ objective nowhere }}\n"),
    )
    .unwrap();
    let output = kpic(&args);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        previous
    );

    // The write failing: the page's own place is taken by a folder (root may write anywhere,
    // so no permission can make it fail). Nothing is left behind but what was there.
    std::fs::write(&source, text).unwrap();
    std::fs::rename(out.join("index.html"), out.join("previous.html")).unwrap();
    std::fs::create_dir_all(out.join("index.html/taken")).unwrap();
    let output = kpic(&args);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write"));
    let mut left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["index.html", "previous.html"],
        "no temporary file left"
    );
}

/// A number as the page writes it (`1,750,000 EUR`, `38.2%`, `−0.6 pp`), read back: the value
/// and its number of decimals.
fn read_number(shown: &str) -> Option<(f64, i32)> {
    let number: String = shown
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '−' | '+'))
        .filter(|&c| c != ',')
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    let decimals = number.split_once('.').map_or(0, |(_, f)| f.len() as i32);
    Some((number.parse().ok()?, decimals))
}

/// The page shows `value` (from report.json): its `data-value` is the same number and its text
/// is that number rounded to the decimals it shows, with the KPI's unit.
fn assert_shows(cell: ElementRef<'_>, value: &Value, unit: Option<&str>, what: &str) {
    let shown = text(cell);
    match value.as_f64() {
        None => {
            assert_eq!(shown.trim(), "—", "{what}");
            assert!(cell.value().attr("data-value").is_none(), "{what}");
        }
        Some(value) => {
            let raw: f64 = cell.value().attr("data-value").unwrap().parse().unwrap();
            assert_eq!(raw, value, "{what}: data-value");
            let (read, decimals) = read_number(&shown).unwrap_or_else(|| panic!("{what}: {shown}"));
            let half = 0.5 * 10f64.powi(-decimals) + 1e-9;
            assert!((read - value).abs() <= half, "{what}: {shown} for {value}");
            if let Some(unit) = unit {
                // As people write it: `ug/m3` reads `µg/m³`.
                let written = kpic::report::html::format::unit_text(unit);
                assert!(
                    shown.ends_with(&written),
                    "{what}: {shown} without {written}"
                );
            }
        }
    }
}

fn assert_score_text(shown: &str, score: &Value, what: &str) {
    match score.as_f64() {
        None => assert_eq!(shown, "—", "{what}"),
        Some(score) => assert_eq!(shown, format!("{score:.1}"), "{what}"),
    }
}

/// The status a code of the script's data stands for.
fn status_name(data: &Value, code: &Value) -> Value {
    let statuses = data["statuses"].as_array().unwrap();
    let status = statuses.iter().find(|s| s[0] == *code).unwrap();
    status[1].clone()
}

#[test]
fn the_figures_of_the_page_are_those_of_report_json() {
    for project in ["examples/acme", "examples/riverside", "tests/report/mixed"] {
        let report = json(project);
        let page = html(project);
        let document = Html::parse_document(&page);
        let root = document.root_element();

        let card = one(root, "[data-card]");
        assert_shows(one(card, "[data-f=score]"), &report["score"], None, "score");
        assert_eq!(
            one(card, ".st").value().attr("data-st"),
            report["status"].as_str()
        );

        let objectives: Vec<&Value> = report["perspectives"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["objectives"].as_array().unwrap())
            .collect();
        for (p, perspective) in report["perspectives"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let row = one(root, &format!("tr.row-p[data-p=\"{p}\"]"));
            assert_shows(
                one(row, "[data-f=score]"),
                &perspective["score"],
                None,
                "perspective",
            );
            assert_eq!(
                one(row, ".st").value().attr("data-st"),
                perspective["status"].as_str()
            );
        }
        for (o, objective) in objectives.iter().enumerate() {
            let row = one(root, &format!("tr.row-o[data-o=\"{o}\"]"));
            assert_shows(
                one(row, "[data-f=score]"),
                &objective["score"],
                None,
                "objective",
            );
            assert_eq!(
                one(row, ".st").value().attr("data-st"),
                objective["status"].as_str()
            );
            assert!(text(one(row, "th a")) == objective["title"].as_str().unwrap());
        }

        let data: Value = serde_json::from_str(&text(one(root, "script#kpic-data"))).unwrap();
        let kpis = report["kpis"].as_array().unwrap();
        let mut counts = [0; 4];
        for (k, kpi) in kpis.iter().enumerate() {
            let what = format!("{project} {}", kpi["id"]);
            let unit = kpi["unit"].as_str();
            let latest = &kpi["latest"];
            let row = one(root, &format!("tr.row-k[data-k=\"{k}\"]"));
            assert_eq!(text(one(row, "th a")), kpi["title"].as_str().unwrap());
            assert_shows(one(row, "[data-f=actual]"), &latest["actual"], unit, &what);
            assert_shows(one(row, "[data-f=score]"), &latest["score"], None, &what);
            assert_score_text(&text(one(row, "[data-f=score]")), &latest["score"], &what);
            let status = latest["status"].as_str().unwrap();
            assert_eq!(one(row, ".st").value().attr("data-st"), Some(status));
            let trend = kpi["trend"].as_str().unwrap_or("none");
            assert_eq!(one(row, ".tr").value().attr("data-tr"), Some(trend));
            // The arrow points the way the value moved, whatever the trend says of it.
            let series = kpi["series"].as_array().unwrap();
            let before = series
                .iter()
                .position(|e| e["period"] == latest["period"])
                .and_then(|at| at.checked_sub(1))
                .and_then(|i| series[i]["actual"].as_f64());
            let expected_arrow = match (before, latest["actual"].as_f64()) {
                (Some(before), Some(now)) if now > before => "↗",
                (Some(before), Some(now)) if now < before => "↘",
                (Some(_), Some(_)) => "→",
                _ => "",
            };
            assert_eq!(text(one(row, ".tr i")), expected_arrow, "{what}");
            if let Some(plan) = latest["plan"].as_f64() {
                let (read, decimals) = read_number(&text(one(row, "[data-f=plan]"))).unwrap();
                assert!(
                    (read - plan).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9,
                    "{what}"
                );
            }
            counts[["green", "amber", "red", "none"]
                .iter()
                .position(|s| *s == status)
                .unwrap()] += 1;

            // The script's readings of the periods before `as_of` are the series entries.
            let readings = data["kpis"][k]["e"].as_array().unwrap();
            for (at, reading) in readings.iter().enumerate() {
                let entry = &kpi["series"][at];
                let before = at
                    .checked_sub(1)
                    .and_then(|i| kpi["series"][i]["actual"].as_f64());
                let expected_move = match (before, entry["actual"].as_f64()) {
                    (Some(before), Some(now)) if now > before => "u",
                    (Some(before), Some(now)) if now < before => "d",
                    (Some(_), Some(_)) => "h",
                    _ => "",
                };
                assert_eq!(reading[7].as_str().unwrap_or(""), expected_move, "{what}");
                assert_score_text(reading[3].as_str().unwrap(), &entry["score"], &what);
                assert_eq!(status_name(&data, &reading[4]), entry["status"], "{what}");
                match entry["actual"].as_f64() {
                    None => assert_eq!(reading[0], "—", "{what}"),
                    Some(actual) => {
                        let (read, decimals) = read_number(reading[0].as_str().unwrap()).unwrap();
                        assert!((read - actual).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9);
                    }
                }
            }
        }
        for (slot, count) in counts.iter().enumerate() {
            let li = one(root, &format!("[data-count=\"{slot}\"]"));
            assert_eq!(
                text(one(li, "[data-f=count]")),
                count.to_string(),
                "{project}"
            );
        }
        // Each period of the selector has the scorecard's score of that period.
        let history = report["history"].as_array().unwrap();
        assert_eq!(data["card"].as_array().unwrap().len(), history.len());
        for (i, entry) in history.iter().enumerate() {
            assert_score_text(
                data["card"][i][0].as_str().unwrap(),
                &entry["score"],
                project,
            );
            assert_eq!(status_name(&data, &data["card"][i][1]), entry["status"]);
        }
    }
}

/// A perspective of 40% whose only KPI has no data leaves the overall score resting on 60% of
/// the weight: the page says so for the scorecard and marks the perspective and objective
/// without a score, in the header, the table and the sections, as report.json does.
#[test]
fn a_score_resting_on_part_of_the_weight_says_how_much() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("partial");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("scorecard.kpi"),
        "scorecard \"Partial\" {\n  period 2026-01 .. 2026-03\n  data \"actuals.csv\"\n}\n\
         perspective fin \"Financial\" { weight 60% }\n\
         perspective ops \"Operations\" { weight 40% }\n\
         objective profit \"Be profitable\" { perspective fin }\n\
         objective flow \"Flow\" { perspective ops }\n\
         metric revenue \"Revenue\" { unit EUR }\n\
         metric tickets \"Tickets\" { unit tickets }\n\
         kpi sales \"Sales\" {\n  objective profit\n  owner \"Sales\"\n  unit EUR\n  formula revenue\n  direction up\n  target 100 EUR by 2026-03\n}\n\
         kpi backlog \"Backlog\" {\n  objective flow\n  owner \"Ops\"\n  unit tickets\n  formula tickets\n  direction down\n  target 10 tickets by 2026-03\n}\n",
    )
    .unwrap();
    std::fs::write(
        project.join("actuals.csv"),
        "metric,period,value\nrevenue,2026-01,90\nrevenue,2026-02,95\n",
    )
    .unwrap();
    let project = project.to_str().unwrap();

    let report = json(project);
    assert_eq!(report["coverage"], 60.0);
    assert_eq!(report["perspectives"][0]["coverage"], 100.0);
    assert_eq!(report["perspectives"][1]["coverage"], 0.0);
    assert_eq!(report["perspectives"][1]["objectives"][0]["coverage"], 0.0);
    assert_eq!(report["history"][0]["coverage"], 60.0);

    let page = html(project);
    let document = Html::parse_document(&page);
    let root = document.root_element();
    let card = one(root, "[data-card] [data-cov]");
    assert_eq!(text(card).trim(), "◐ scored: 60% of weight");
    assert!(card.value().classes().any(|c| c == "partial"));
    let marked: Vec<String> = select(root, "[data-cov].partial")
        .into_iter()
        .map(|element| text(element).trim().to_string())
        .collect();
    // The scorecard, then Operations and Flow in the table and in their sections.
    assert_eq!(
        marked,
        [
            "◐ scored: 60% of weight",
            "◐ scored: 0% of weight",
            "◐ scored: 0% of weight",
            "◐ scored: 0% of weight",
            "◐ scored: 0% of weight",
        ]
    );
    let full = select(root, "[data-cov]:not(.partial)");
    assert_eq!(
        full.len(),
        4,
        "Financial and Be profitable, in the table and sections"
    );
    assert!(
        full.iter()
            .all(|e| text(*e).contains("scored: 100% of weight"))
    );
}

/// The highlights tell a change by the KPI's values (`99 vs plan 100, from 91`), and a change of
/// score too small to show at one decimal is no change: never `5.0 → 5.0`.
#[test]
fn highlights_name_values_and_leave_out_changes_too_small_to_show() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("moves");
    std::fs::create_dir_all(&project).unwrap();
    let kpi = |id: &str| {
        format!(
            "kpi {id} \"{id}\" {{\n  objective o\n  owner \"Owner {id}\"\n  formula {id}_input\n  \
             direction up\n  target 100 by 2026-02\n}}\nmetric {id}_input \"{id}\"\n"
        )
    };
    std::fs::write(
        project.join("scorecard.kpi"),
        format!(
            "scorecard \"Moves\" {{\n  period 2026-01 .. 2026-02\n  data \"actuals.csv\"\n}}\n\
             perspective p \"P\"\nobjective o \"O\" {{ perspective p owner \"Boss\" }}\n{}{}",
            kpi("steady"),
            kpi("climbing")
        ),
    )
    .unwrap();
    std::fs::write(
        project.join("actuals.csv"),
        "metric,period,value\nsteady_input,2026-01,95\nsteady_input,2026-02,95.01\n\
         climbing_input,2026-01,91\nclimbing_input,2026-02,99\n",
    )
    .unwrap();
    let page = html(project.to_str().unwrap());
    let document = Html::parse_document(&page);
    let root = document.root_element();
    let improved = select(root, "[data-hl=\"0\"] li");
    assert_eq!(improved.len(), 1, "{page}");
    assert_eq!(text(one(improved[0], "a")), "climbing");
    assert_eq!(text(one(improved[0], ".chg")), "99 vs plan 100, from 91");
    assert_eq!(
        text(one(root, "[data-hl=\"1\"] li.empty")),
        "No KPI lost score."
    );
}

/// The warnings are written for a reader: names the messages quote are set as code, never
/// between backticks; places are relative to the project's folder wherever kpic ran (here from
/// another folder, the project named by its absolute path); a warning about a KPI is on its card
/// too, and the list links to it.
#[test]
fn warnings_are_written_for_the_reader_and_shown_on_their_kpi() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("warned");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("scorecard.kpi"),
        "scorecard \"Warned\" {\n  period 2026-01 .. 2026-02\n  data \"actuals.csv\"\n}\n\
         perspective p \"P\"\nobjective o \"O\" { perspective p owner \"Boss\" }\n\
         metric sales \"Sales\" { unit EUR }\n\
         kpi revenue \"Revenue\" {\n  objective o\n  unit EUR\n  formula sales\n  direction up\n  target 100 EUR by 2026-02\n}\n",
    )
    .unwrap();
    std::fs::write(
        project.join("actuals.csv"),
        "metric,period,value\nsales,2026-01,90\nsales,2026-02,95\nsale,2026-02,1\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["report"])
        .arg(&project)
        .arg("--out")
        .arg(&out)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    let document = Html::parse_document(&page);
    let root = document.root_element();
    let warnings = select(root, "#warnings .diags li");
    let said: Vec<String> = warnings.iter().map(|w| text(*w)).collect();
    assert!(said.len() >= 2, "{said:?}");
    assert!(said.iter().all(|w| !w.contains('`')), "{said:?}");
    let owner = warnings
        .iter()
        .find(|w| text(**w).contains("missing-owner"))
        .expect("the KPI without an owner");
    assert_eq!(
        text(one(*owner, ".loc")),
        "About Revenue · in scorecard.kpi:8:5"
    );
    assert_eq!(
        one(*owner, ".loc a").value().attr("href"),
        Some("#kpi-revenue")
    );
    let quoted: Vec<String> = select(*owner, "code").into_iter().map(text).collect();
    assert_eq!(
        quoted.first().map(String::as_str),
        Some("revenue"),
        "{quoted:?}"
    );
    let series = warnings
        .iter()
        .find(|w| text(**w).contains("unknown-series"))
        .expect("the series no metric reads");
    assert!(
        text(one(*series, ".loc")).starts_with("in actuals.csv:4:"),
        "{said:?}"
    );
    let card = one(root, "#kpi-revenue .kpi-warnings");
    assert!(text(card).contains("missing-owner"), "{}", text(card));
    assert!(!text(card).contains("unknown-series"), "{}", text(card));
}

/// The bullet graph's red, amber and green segments differ in lightness, not only in hue, in
/// both colour schemes: neighbouring bands have a luminance contrast of at least 1.4, so that a
/// greyscale print or a reader who cannot tell the hues apart still sees three bands.
#[test]
fn bullet_bands_differ_in_lightness_in_both_schemes() {
    let css = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/templates/style.css"),
    )
    .unwrap();
    let luminance = |hex: &str| {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    };
    let contrast = |a: f64, b: f64| (a.max(b) + 0.05) / (a.min(b) + 0.05);
    // Each `--bullet-g: #…; --bullet-a: #…; --bullet-r: #…;` line: light first, then dark.
    let schemes: Vec<[f64; 3]> = css
        .lines()
        .filter(|line| line.contains("--bullet-g:"))
        .map(|line| {
            ["--bullet-g: ", "--bullet-a: ", "--bullet-r: "].map(|name| {
                let at = line.find(name).unwrap() + name.len();
                luminance(&line[at..at + 7])
            })
        })
        .collect();
    assert_eq!(schemes.len(), 2, "a light and a dark scheme");
    for [green, amber, red] in schemes {
        assert!(contrast(green, amber) >= 1.4, "green and amber");
        assert!(contrast(amber, red) >= 1.4, "amber and red");
        assert!(contrast(green, red) >= 2.0, "green and red");
    }
}

/// The status history: a row per KPI, a column per period shown, and in the last column each
/// KPI's status at `as_of` as the table shows it; the overall score's change since the period
/// before, as report.json's history gives it.
#[test]
fn the_status_history_shows_every_kpi_in_every_period() {
    let report = json("examples/acme");
    let page = html("examples/acme");
    let document = Html::parse_document(&page);
    let root = document.root_element();
    let periods = report["history"].as_array().unwrap();
    let kpis = report["kpis"].as_array().unwrap();
    let heads = select(root, ".history-grid thead th");
    assert_eq!(heads.len(), periods.len() + 1);
    let rows = select(root, ".history-grid tbody tr");
    assert_eq!(rows.len(), kpis.len());
    for (row, kpi) in rows.iter().zip(kpis) {
        assert_eq!(text(one(*row, "th a")), kpi["title"].as_str().unwrap());
        let cells = select(*row, "td");
        assert_eq!(cells.len(), periods.len());
        let last = cells.last().unwrap().value().attr("data-st");
        assert_eq!(last, kpi["latest"]["status"].as_str(), "{}", kpi["id"]);
    }
    let [.., before, now] = periods.as_slice() else {
        panic!("two periods at least")
    };
    let change = now["score"].as_f64().unwrap() - before["score"].as_f64().unwrap();
    let said = text(one(root, ".score-trend span"));
    let (number, _) = said.split_once(" since ").unwrap();
    let number: f64 = number.replace('−', "-").replace('+', "").parse().unwrap();
    assert!((number - change).abs() <= 0.05 + 1e-9, "{said} vs {change}");
}
