//! `kpic fmt` on generated projects: seeded random scorecards — every kind of declaration, the
//! properties of each in a random order, blocks on one line or over many, random blanks, tabs,
//! blank lines and indentation, comments at the end of lines, on lines of their own and inside
//! blocks, doc comments and attributes. For each: formatting parses, is idempotent, keeps every
//! token and comment in order, and keeps the checked model (the same findings and the same
//! report, positions aside).

use std::path::Path;

use kpic::pipeline::{CheckOptions, check_project};
use kpic::project::load_text;

/// A small deterministic generator (xorshift64*): the same seed, the same project.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Writes declarations in a random layout: the separators between tokens and lines vary, the
/// tokens and comments are the generator's.
struct Writer<'r> {
    random: &'r mut Random,
    text: String,
    comments: usize,
}

impl Writer<'_> {
    fn blank(&mut self) -> &'static str {
        ["", " ", "  ", "\t", "   "][self.random.below(5)]
    }

    fn line_end(&mut self) {
        if self.random.chance(15) {
            self.comments += 1;
            let n = self.comments;
            self.text.push_str(&format!(" // note {n}"));
        }
        self.text
            .push_str(self.random.pick(&["\n", "\n", "\n\n", "\r\n", "\n\n\n"]));
    }

    /// A declaration: its head, then its properties on one line or one a line.
    fn block(&mut self, head: &str, properties: &mut [String]) {
        if self.random.chance(20) {
            self.comments += 1;
            let n = self.comments;
            self.text.push_str(&format!("// about the next one {n}\n"));
        }
        self.random.shuffle(properties);
        let one_line = self.random.chance(30);
        let blank = self.blank();
        self.text.push_str(&format!("{blank}{head} {{"));
        for property in properties.iter() {
            if one_line {
                let blank = self.blank();
                self.text.push_str(&format!(" {blank}{property} "));
            } else {
                self.line_end();
                let indent = self.random.pick(&["", "  ", "    ", "\t", "       "]);
                self.text.push_str(&format!("{indent}{property}"));
            }
        }
        if !one_line {
            self.line_end();
            if self.random.chance(20) {
                self.comments += 1;
                let n = self.comments;
                self.text.push_str(&format!("  /* closing {n} */\n"));
            }
        }
        self.text.push('}');
        self.line_end();
    }
}

/// A project of `seed`: a scorecard, two perspectives, objectives linked by `drives`, input
/// metrics and KPIs with formulas, targets, thresholds and milestones, an org tree with `for`
/// blocks.
fn project(seed: u64) -> (String, usize) {
    let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut writer = Writer {
        random: &mut random,
        text: String::new(),
        comments: 0,
    };
    writer.block(
        "scorecard \"Generated\"",
        &mut [
            "owner \"Strategy\"".to_string(),
            "period 2026-01 .. 2026-12".to_string(),
            "frequency monthly".to_string(),
            "tolerance 10%".to_string(),
        ],
    );
    writer.text.push_str("use std.bsc\n");
    writer.block("org group \"Group\"", &mut ["owner \"CEO\"".to_string()]);
    writer.block(
        "org north \"North\"",
        &mut [
            "parent group".to_string(),
            "owner \"North lead\"".to_string(),
        ],
    );
    let objectives = ["grow", "serve", "improve", "learn"];
    let perspectives = ["financial", "customer", "internal", "learning"];
    for (i, (objective, perspective)) in objectives.iter().zip(perspectives).enumerate() {
        let mut properties = vec![
            format!("perspective {perspective}"),
            "owner \"Owner\"".to_string(),
        ];
        if i > 0 {
            properties.push(format!("drives {}", objectives[i - 1]));
        }
        if i == 1 {
            properties.push("for north { owner \"North owner\" }".to_string());
        }
        writer.block(
            &format!("objective {objective} \"Objective {i}\""),
            &mut properties,
        );
    }
    for input in ["orders", "on_time", "revenue", "visits"] {
        let unit = if input == "revenue" { "EUR" } else { "count" };
        writer.text.push_str(&format!("/// The input {input}.\n"));
        writer.block(
            &format!("metric {input} \"Input {input}\""),
            &mut [format!("unit {unit}"), "aggregate sum".to_string()],
        );
    }
    let formulas = [
        ("on_time / orders", "%", "95%", "up"),
        ("revenue / visits", "EUR/count", "30 EUR/count", "up"),
        ("(revenue - 10 EUR) / 1000", "EUR", "5 EUR", "up"),
        ("orders / (visits + 1 count) * 100%", "%", "20%", "down"),
    ];
    let kpis = writer.random.below(4) + 3;
    for k in 0..kpis {
        let (formula, unit, target, direction) = formulas[k % formulas.len()];
        let mut properties = vec![
            format!("objective {}", objectives[k % objectives.len()]),
            "owner \"KPI owner\"".to_string(),
            format!("unit {unit}"),
            format!("direction {direction}"),
            format!("formula {formula}"),
        ];
        properties.push(match writer.random.below(3) {
            0 => format!("target {target} by 2026-12"),
            1 if unit == "%" => "target { 2026-06 50%  2026-12 60% }".to_string(),
            _ => format!("target {target}"),
        });
        if writer.random.chance(40) && unit == "%" && direction == "up" {
            properties.push("thresholds { green >= 60%  amber >= 40% }".to_string());
        }
        if writer.random.chance(40) && unit == "%" {
            properties.push("for north { target 70% by 2026-12  owner \"Lead\" }".to_string());
        }
        if writer.random.chance(50) {
            writer.text.push_str(&format!("/// KPI number {k}.\n"));
        }
        if writer.random.chance(30) {
            writer
                .text
                .push_str("@allow(missing-description, \"generated\")\n");
        }
        writer.block(&format!("kpi kpi_{k} \"KPI {k}\""), &mut properties);
    }
    let comments = writer.comments;
    (writer.text, comments)
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The findings (rule, message) and the JSON report without its `diagnostics` (which hold
/// positions) of a project written as one entry file.
fn meaning(text: &str) -> (Vec<(String, String)>, String) {
    let project = load_text("scorecard.kpi", Path::new("."), text);
    let outcome = check_project(project, &CheckOptions::default());
    let findings = outcome
        .findings
        .iter()
        .map(|f| (f.rule.name().to_string(), f.message.clone()))
        .collect();
    let report = kpic::report::build(&outcome, None, None).expect("no as_of is given");
    let mut json: serde_json::Value =
        serde_json::from_str(&kpic::report::render_json(&report)).unwrap();
    json.as_object_mut().unwrap().remove("diagnostics");
    (findings, json.to_string())
}

#[test]
fn formatting_generated_projects_is_idempotent_and_keeps_tokens_comments_and_meaning() {
    for seed in 1..=60 {
        let (text, comments) = project(seed);
        let once = kpic::fmt::format(&text)
            .unwrap_or_else(|findings| panic!("seed {seed} does not parse: {findings:?}\n{text}"));
        let twice = kpic::fmt::format(&once).expect("formatted text parses");
        assert_eq!(once, twice, "seed {seed}: not idempotent");
        assert_eq!(
            without_whitespace(&text),
            without_whitespace(&once),
            "seed {seed}: a token or comment changed"
        );
        assert_eq!(
            once.matches("// note").count()
                + once.matches("// about").count()
                + once.matches("/* closing").count(),
            comments,
            "seed {seed}: a comment was lost"
        );
        assert!(!once.contains('\r') && !once.lines().any(|l| l.ends_with([' ', '\t'])));
        assert_eq!(
            meaning(&text),
            meaning(&once),
            "seed {seed}: the meaning changed"
        );
    }
}
