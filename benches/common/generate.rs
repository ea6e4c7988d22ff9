//! The project the benchmarks measure, generated: a group scorecard of business units, one file
//! each, the same on every run (a fixed pseudo-random sequence); `benches/README.md` describes
//! it.

use std::fmt::Write as _;
use std::path::Path;

/// What was generated.
pub struct Stats {
    pub files: usize,
    pub kpis: usize,
    pub objectives: usize,
    pub metrics: usize,
    pub lines: usize,
    pub bytes: u64,
    /// With `--report`: the series of `data/actuals.csv`, its rows and its size.
    pub series: usize,
    pub csv_rows: usize,
    pub csv_bytes: u64,
}

/// What to generate: `kpis` KPIs in `files` files (the entry included, at least 2), and with
/// `report` the data file and the longer span of the report benchmarks.
pub struct Shape {
    pub kpis: usize,
    pub files: usize,
    pub report: bool,
}

/// Writes the project into `dir` (emptied first).
pub fn generate(dir: &Path, options: &Shape) -> Stats {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("the old project can be removed");
    }
    std::fs::create_dir_all(dir).expect("the project folder can be created");
    let parts = options.files - 1;
    let mut stats = Stats {
        files: options.files,
        kpis: 0,
        objectives: 0,
        metrics: 0,
        lines: 0,
        bytes: 0,
        series: 0,
        csv_rows: 0,
        csv_bytes: 0,
    };
    let write = |name: &str, text: &str, stats: &mut Stats| {
        std::fs::write(dir.join(name), text).expect("a project file can be written");
        stats.bytes += text.len() as u64;
        stats.lines += text.lines().count();
    };

    // With data, the history before the baselines is judged too; the generated values are not
    // drawn around the generated baselines and targets, so those two rules are allowed (they
    // still run: the benchmark measures them).
    let (period, data, allowed) = if options.report {
        (
            "2024-01 .. 2026-12",
            "data \"data/actuals.csv\"\n  ",
            ", target-unrealistic, target-within-noise",
        )
    } else {
        ("2026-01 .. 2026-12", "", "")
    };
    let mut entry = String::new();
    let _ = write!(
        entry,
        "// scorecard.kpi — the entry file of a generated group scorecard: {} KPIs of {parts} \
         business units, one file each.\n\n\
         /// The 2026 scorecard of the whole group, consolidated from the scorecards of its\n\
         /// business units.\n\
         scorecard \"Generated Group — Consolidated Scorecard 2026\" {{\n  \
           owner \"Group Strategy Office\"\n  \
           period {period}\n  \
           frequency monthly\n  \
           tolerance 10%\n  \
           {data}\
           // A consolidated scorecard has far more KPIs and objectives than the practice\n  \
           // for one team: each business unit keeps its own.\n  \
           lint {{\n    allow too-many-kpis, too-many-objectives{allowed}\n  }}\n\
         }}\n\nuse std.bsc\n\n",
        options.kpis
    );
    for part in 1..=parts {
        let _ = writeln!(entry, "use \"{}\"", part_name(part));
    }
    write("scorecard.kpi", &entry, &mut stats);

    // With `--report`, most KPIs read an input of their own, so that there are as many series
    // as KPIs: 10,000 - 99 × 11 shared inputs = 8,911 inputs of their own, 90 or 91 a file.
    let own_total = if options.report {
        options.kpis.saturating_sub(parts * INPUTS.len())
    } else {
        0
    };
    let mut csv = Csv::new(options.report);
    for part in 1..=parts {
        // Spread the KPIs evenly: 10,000 over 99 files is 101 each, and one more in the first.
        let kpis = options.kpis / parts + usize::from(part <= options.kpis % parts);
        let own = (own_total / parts + usize::from(part <= own_total % parts)).min(kpis);
        let (text, own_inputs) = part_file(part, kpis, own);
        stats.kpis += kpis;
        stats.objectives += OBJECTIVES.len();
        stats.metrics += INPUTS.len() + own_inputs.len();
        write(&part_name(part), &text, &mut stats);
        if options.report {
            let m = format!("u{part:02}_");
            for (i, (input, ..)) in INPUTS.iter().enumerate() {
                csv.series(&format!("{m}{input}"), input, (part * 1000 + i) as u64);
            }
            for (i, (id, input)) in own_inputs.iter().enumerate() {
                csv.series(id, input, (part * 1000 + 100 + i) as u64);
            }
        }
    }
    if options.report {
        std::fs::create_dir_all(dir.join("data")).expect("the data folder can be created");
        std::fs::write(dir.join("data/actuals.csv"), &csv.text).expect("the CSV can be written");
        stats.series = csv.series;
        stats.csv_rows = csv.rows;
        stats.csv_bytes = csv.text.len() as u64;
    }
    stats
}

/// The months of the report project's scorecard, 2024-01 .. 2026-12.
pub const MONTHS: usize = 36;

/// `data/actuals.csv` in the long form, `period,metric,value,note`, series by series.
struct Csv {
    text: String,
    series: usize,
    rows: usize,
}

impl Csv {
    fn new(report: bool) -> Csv {
        let mut text = String::new();
        if report {
            text.push_str("period,metric,value,note\n");
        }
        Csv {
            text,
            series: 0,
            rows: 0,
        }
    }

    /// The 36 monthly values of series `id`, an instance of the shared input `input`: a
    /// plausible level for the input, a slow trend and some noise; a note on a few rows.
    fn series(&mut self, id: &str, input: &str, seed: u64) {
        let mut random = Random::new(seed + 1);
        let level = match input {
            "revenue" => 1_000_000.0,
            "costs" => 650_000.0,
            "orders" => 700.0,
            "late_orders" => 60.0,
            "customers" => 5_000.0,
            "lost_customers" => 200.0,
            "tickets" => 500.0,
            "defects" => 12.0,
            "hours" => 300.0,
            "employees" => 100.0,
            "certified" => 50.0,
            other => panic!("no level for input {other}"),
        };
        let level = level * random.between(80, 120) as f64 / 100.0;
        for month in 0..MONTHS {
            let trend = 1.0 + 0.003 * month as f64;
            let noise = random.between(950, 1050) as f64 / 1000.0;
            let value = level * trend * noise;
            let (year, month_of_year) = (2024 + month / 12, month % 12 + 1);
            let _ = write!(self.text, "{year}-{month_of_year:02},{id},");
            if level >= 10_000.0 {
                let _ = write!(self.text, "{value:.2}");
            } else {
                let _ = write!(self.text, "{}", value.round().max(1.0));
            }
            if random.chance(1) {
                self.text.push_str(",Reviewed with the unit's controller\n");
            } else {
                self.text.push_str(",\n");
            }
            self.rows += 1;
        }
        self.series += 1;
    }
}

fn part_name(part: usize) -> String {
    format!("part_{part:02}.kpi")
}

/// A deterministic pseudo-random sequence (xorshift), so every run generates the same project.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Random {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A whole number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The input metrics of each business unit: id, title, unit, aggregate, description.
#[rustfmt::skip]
const INPUTS: &[(&str, &str, &str, &str, &str)] = &[
    ("revenue", "Net revenue", "EUR", "sum", "Invoiced net revenue, after returns and rebates."),
    ("costs", "Operating costs", "EUR", "sum", "Cost of goods sold and operating expenses."),
    ("orders", "Orders", "orders", "sum", "Customer orders received."),
    ("late_orders", "Late orders", "orders", "sum", "Orders delivered after the promised date."),
    ("customers", "Active customers", "customers", "last", "Customers with an order in the last 12 months, at period end."),
    ("lost_customers", "Lost customers", "customers", "sum", "Customers who cancelled or did not renew."),
    ("tickets", "Support tickets", "tickets", "sum", "Support tickets opened."),
    ("defects", "Defects", "defects", "sum", "Defects found in delivered goods."),
    ("hours", "Training hours", "hours", "sum", "Hours of training attended."),
    ("employees", "Employees", "employees", "avg", "Full-time equivalents employed."),
    ("certified", "Certified employees", "employees", "last", "Employees holding a current certification, at period end."),
];

/// The objectives of each business unit: suffix, title, perspective, what it drives.
#[rustfmt::skip]
const OBJECTIVES: &[(&str, &str, &str, &[&str])] = &[
    ("grow", "Grow revenue profitably", "financial", &[]),
    ("lean", "Run a lean cost base", "financial", &[]),
    ("retain", "Retain and grow customers", "customer", &["grow"]),
    ("serve", "Serve customers well", "customer", &["grow", "lean"]),
    ("deliver", "Deliver on time", "internal", &["retain", "serve"]),
    ("quality", "Build it right the first time", "internal", &["serve", "lean"]),
    ("skills", "Build the skills we need", "learning", &["deliver", "quality"]),
    ("people", "Keep a stable, engaged team", "learning", &["quality"]),
];

const OWNERS: &[&str] = &[
    "Head of Finance",
    "Controller",
    "Head of Sales",
    "Head of Customer Success",
    "Head of Operations",
    "Head of Quality",
    "Head of People",
    "Head of Logistics",
];

/// How a KPI is generated from the unit's metrics.
struct Template {
    name: &'static str,
    title: &'static str,
    /// The objective it measures (a suffix of [`OBJECTIVES`]).
    objective: &'static str,
    unit: &'static str,
    /// `{m}` stands for the unit's metric prefix.
    formula: &'static str,
    direction: Direction,
    doc: &'static str,
    /// The baseline range (in the KPI's unit) and the improvement range by the deadline.
    baseline: (u64, u64),
    improvement: (u64, u64),
    /// How a value is written after the number: `%`, ` EUR/customer`, or nothing.
    suffix: &'static str,
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Up,
    Down,
    Range,
}

#[rustfmt::skip]
const TEMPLATES: &[Template] = &[
    Template { name: "gross_margin", title: "Gross margin", objective: "grow", unit: "%",
        formula: "({m}revenue - {m}costs) / {m}revenue", direction: Direction::Up,
        doc: "Share of net revenue left after operating costs.", baseline: (25, 40), improvement: (2, 5), suffix: "%" },
    Template { name: "revenue_growth", title: "Revenue growth, year on year", objective: "grow", unit: "%",
        formula: "growth({m}revenue, 12)", direction: Direction::Up,
        doc: "Net revenue against the same month a year earlier.", baseline: (1, 5), improvement: (2, 4), suffix: "%" },
    Template { name: "cost_ratio", title: "Cost ratio", objective: "lean", unit: "%",
        formula: "{m}costs / {m}revenue", direction: Direction::Down,
        doc: "Operating costs per euro of net revenue.", baseline: (60, 75), improvement: (3, 6), suffix: "%" },
    Template { name: "cost_per_order", title: "Cost per order", objective: "lean", unit: "EUR/order",
        formula: "{m}costs / {m}orders", direction: Direction::Down,
        doc: "Operating costs per order received.", baseline: (80, 140), improvement: (5, 15), suffix: " EUR/order" },
    Template { name: "churn", title: "Customer churn", objective: "retain", unit: "%",
        formula: "{m}lost_customers / lag({m}customers, 1)", direction: Direction::Down,
        doc: "Customers lost in the month over active customers at its start.", baseline: (3, 6), improvement: (1, 2), suffix: "%" },
    Template { name: "customer_growth", title: "Net new customers", objective: "retain", unit: "customers",
        formula: "delta({m}customers)", direction: Direction::Up,
        doc: "Change in active customers on the previous month.", baseline: (20, 80), improvement: (10, 40), suffix: " customers" },
    Template { name: "revenue_per_customer", title: "Revenue per customer", objective: "serve", unit: "EUR/customer",
        formula: "{m}revenue / {m}customers", direction: Direction::Up,
        doc: "Net revenue per active customer.", baseline: (900, 1500), improvement: (50, 150), suffix: " EUR/customer" },
    Template { name: "tickets_per_customer", title: "Tickets per 100 customers", objective: "serve", unit: "tickets/customer",
        formula: "{m}tickets / {m}customers * 100", direction: Direction::Down,
        doc: "Support tickets opened per 100 active customers.", baseline: (8, 15), improvement: (1, 3), suffix: "" },
    Template { name: "on_time", title: "On-time delivery", objective: "deliver", unit: "%",
        formula: "({m}orders - {m}late_orders) / {m}orders", direction: Direction::Up,
        doc: "Orders delivered on or before the promised date.", baseline: (85, 92), improvement: (2, 5), suffix: "%" },
    Template { name: "orders_3m", title: "Orders, three-month average", objective: "deliver", unit: "orders",
        formula: "avg_over({m}orders, 3)", direction: Direction::Up,
        doc: "Orders received, averaged over the last three months.", baseline: (400, 900), improvement: (20, 80), suffix: " orders" },
    Template { name: "defect_rate", title: "Defects per 1,000 orders", objective: "quality", unit: "defects/order",
        formula: "{m}defects / {m}orders * 1000", direction: Direction::Down,
        doc: "Defects found in delivered goods per 1,000 orders.", baseline: (12, 30), improvement: (2, 6), suffix: "" },
    Template { name: "late_share", title: "Late orders", objective: "quality", unit: "%",
        formula: "{m}late_orders / {m}orders", direction: Direction::Down,
        doc: "Share of orders delivered late.", baseline: (8, 15), improvement: (2, 5), suffix: "%" },
    Template { name: "training_hours", title: "Training hours per employee", objective: "skills", unit: "hours/employee",
        formula: "{m}hours / {m}employees", direction: Direction::Range,
        doc: "Hours of training per employee: enough to build skills, not so many that work suffers.", baseline: (2, 4), improvement: (2, 4), suffix: " hours/employee" },
    Template { name: "certified_share", title: "Certified employees", objective: "skills", unit: "%",
        formula: "{m}certified / {m}employees", direction: Direction::Up,
        doc: "Employees holding a current certification.", baseline: (40, 60), improvement: (5, 10), suffix: "%" },
    Template { name: "staff_growth", title: "Headcount growth, year on year", objective: "people", unit: "%",
        formula: "yoy_monthly({m}employees)", direction: Direction::Up,
        doc: "Full-time equivalents against a year earlier.", baseline: (0, 3), improvement: (1, 3), suffix: "%" },
    Template { name: "revenue_per_employee", title: "Revenue per employee", objective: "people", unit: "EUR/employee",
        formula: "{m}revenue / {m}employees", direction: Direction::Up,
        doc: "Net revenue per full-time equivalent.", baseline: (9000, 14000), improvement: (300, 900), suffix: " EUR/employee" },
];

/// One business unit's file: its metrics, objectives and `kpis` KPIs, of which `own` read an
/// input of their own in place of the first shared input of their formula. Returns the text and
/// the inputs of their own: id and the shared input they stand in for.
fn part_file(part: usize, kpis: usize, own: usize) -> (String, Vec<(String, &'static str)>) {
    let mut random = Random::new(part as u64);
    let m = format!("u{part:02}_");
    let mut out = String::new();
    let _ = write!(
        out,
        "// {} — the scorecard of business unit {part:02}.\n\nuse std.bsc\nuse std.time\n\n",
        part_name(part)
    );

    out.push_str("// Inputs, read from the unit's data.\n\n");
    for (id, title, unit, aggregate, doc) in INPUTS {
        let _ = write!(
            out,
            "/// {doc}\nmetric {m}{id} \"{title}, unit {part:02}\" {{\n  unit {unit}\n  aggregate {aggregate}\n}}\n\n"
        );
    }

    // The inputs of their own of `own` KPIs. The others, from the fourth KPI on, read only the
    // shared inputs: those of templates 3 to 13 read every shared input at least once, so that
    // none is an `orphan-metric`.
    let start = own.min(3);
    let shared_only = start..start + (kpis - own);
    let mut own_inputs: Vec<(String, &'static str)> = Vec::new();
    let mut own_of: Vec<Option<usize>> = vec![None; kpis];
    for i in (0..kpis).filter(|i| !shared_only.contains(i)) {
        own_of[i] = Some(own_inputs.len());
        let template = &TEMPLATES[i % TEMPLATES.len()];
        let input = first_input(template.formula);
        let (_, title, unit, aggregate, doc) = INPUTS
            .iter()
            .find(|entry| entry.0 == input)
            .expect("a template's formula names the inputs of INPUTS");
        let id = format!("{m}{input}_k{i:03}");
        let _ = write!(
            out,
            "/// {doc} For KPI {i:03} only.\nmetric {id} \"{title}, unit {part:02}, KPI {i:03}\" {{\n  unit {unit}\n  aggregate {aggregate}\n}}\n\n"
        );
        own_inputs.push((id, input));
    }

    out.push_str("// Objectives, learning → internal → customer → financial.\n\n");
    for (i, (suffix, title, perspective, drives)) in OBJECTIVES.iter().enumerate() {
        let _ = write!(
            out,
            "objective {m}{suffix} \"{title} (unit {part:02})\" {{\n  perspective {perspective}\n  owner \"{}\"\n",
            OWNERS[i % OWNERS.len()]
        );
        if !drives.is_empty() {
            let targets: Vec<String> = drives.iter().map(|d| format!("{m}{d}")).collect();
            let _ = writeln!(out, "  drives {}", targets.join(", "));
        }
        out.push_str("}\n\n");
    }

    // Which KPIs measure each objective, to give some objectives weighted KPIs.
    let chosen: Vec<(usize, &Template)> = (0..kpis)
        .map(|i| (i, &TEMPLATES[i % TEMPLATES.len()]))
        .collect();
    let weighted = |objective: &str| matches!(objective, "grow" | "deliver" | "people");
    let mut per_objective: std::collections::HashMap<&str, usize> = Default::default();
    for (_, template) in &chosen {
        *per_objective.entry(template.objective).or_default() += 1;
    }
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();

    out.push_str("// KPIs.\n\n");
    for (i, template) in chosen {
        let count = per_objective[template.objective];
        let nth = seen.entry(template.objective).or_default();
        *nth += 1;
        let weight = weighted(template.objective).then(|| {
            let even = 100 / count;
            if *nth == count {
                100 - even * (count - 1)
            } else {
                even
            }
        });
        let own_input = own_of[i].map(|n| own_inputs[n].0.as_str());
        kpi(&mut out, &mut random, part, i, template, weight, own_input);
    }
    (out, own_inputs)
}

/// The first input a template's formula names: the word after its first `{m}`.
fn first_input(formula: &str) -> &'static str {
    let start = formula.find("{m}").expect("a formula names an input") + 3;
    let rest = &formula[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    INPUTS
        .iter()
        .map(|entry| entry.0)
        .find(|input| *input == &rest[..end])
        .expect("a template's formula names the inputs of INPUTS")
}

/// Appends one KPI.
fn kpi(
    out: &mut String,
    random: &mut Random,
    part: usize,
    i: usize,
    template: &Template,
    weight: Option<usize>,
    own_input: Option<&str>,
) {
    let m = format!("u{part:02}_");
    let id = format!("{m}{}_{i:03}", template.name);
    let owner = OWNERS[(part + i) % OWNERS.len()];
    let mut formula = template.formula.to_string();
    if let Some(own) = own_input {
        let shared = format!("{{m}}{}", first_input(template.formula));
        formula = formula.replacen(&shared, own, 1);
    }
    let formula = formula.replace("{m}", &m);
    let baseline = random.between(template.baseline.0, template.baseline.1);
    let improvement = random.between(template.improvement.0, template.improvement.1);
    let value = |v: u64| format!("{v}{}", template.suffix);
    let segment = ["", " (retail)", " (online)", " (wholesale)", " (export)"][i % 5];

    let _ = writeln!(
        out,
        "/// {} of business unit {part:02}{segment}.\n/// {}",
        template.title, template.doc
    );
    let _ = write!(
        out,
        "kpi {id} \"{}, unit {part:02}{segment}\" {{\n  objective {m}{}\n  owner \"{owner}\"\n  unit {}\n  formula {formula}\n",
        template.title, template.objective, template.unit
    );
    let direction = match template.direction {
        Direction::Up => "up",
        Direction::Down => "down",
        Direction::Range => "range",
    };
    let _ = writeln!(out, "  direction {direction}");
    // Some KPIs are reviewed quarterly; not those whose formula looks back a number of periods.
    let looks_back = ["lag", "delta", "growth", "yoy", "avg_over"]
        .iter()
        .any(|f| formula.contains(f));
    let frequency_quarterly = !looks_back && random.chance(15);
    if frequency_quarterly {
        out.push_str("  frequency quarterly\n");
    }
    let _ = writeln!(out, "  baseline {} in 2025-12", value(baseline));
    match template.direction {
        Direction::Range => {
            let low = baseline + improvement;
            let high = low + random.between(2, 4);
            let deadline = ["2026-06", "2026-Q3", "2026-12"][i % 3];
            let _ = writeln!(
                out,
                "  target {} .. {} by {deadline}",
                value(low),
                value(high)
            );
            if random.chance(40) {
                let _ = writeln!(
                    out,
                    "  thresholds {{ green {low} .. {high}  amber {} .. {} }}",
                    low - 1,
                    high + 1
                );
            }
        }
        Direction::Up | Direction::Down => {
            let up = template.direction == Direction::Up;
            let toward = |steps: u64| {
                let change = improvement * steps / 4;
                if up {
                    baseline + change
                } else {
                    baseline - change
                }
            };
            let target = toward(4);
            if random.chance(30) && !frequency_quarterly {
                let _ = writeln!(
                    out,
                    "  target {{\n    2026-03 {}\n    2026-06 {}\n    2026-09 {}\n    2026-12 {}\n  }}",
                    value(toward(1)),
                    value(toward(2)),
                    value(toward(3)),
                    value(target)
                );
            } else {
                let deadline = ["2026-12", "2026-Q4", "2026-H2", "2026"][i % 4];
                let _ = writeln!(out, "  target {} by {deadline}", value(target));
            }
            if random.chance(35) {
                let (op, green, amber) = if up {
                    (">=", target.saturating_sub(improvement / 4), baseline)
                } else {
                    ("<=", target + improvement / 4, baseline)
                };
                let _ = writeln!(
                    out,
                    "  thresholds {{ green {op} {}  amber {op} {} }}",
                    value(green),
                    value(amber)
                );
            }
        }
    }
    if let Some(weight) = weight {
        let _ = writeln!(out, "  weight {weight}%");
    }
    if random.chance(20) {
        out.push_str("  reviewed 2026-01\n");
    }
    out.push_str("}\n\n");
}
