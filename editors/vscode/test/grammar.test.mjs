// The TextMate grammar of the extension, tokenized with the engine VS Code uses (vscode-textmate
// on vscode-oniguruma): every `.kpi` file of the repository's examples and standard library, and
// the fixture test/fixtures/all.kpi, which has one of every construct the examples lack (nested
// block comments, escapes, attributes, a lint block, every kind of period). The grammar's word
// lists are checked against grammar/kpi.pest (keywords, value words) and src/semantic/model.rs
// (built-in functions), so that a word added to the language fails here until it is highlighted.
// Also checks that the manifest is one VS Code can load, and that the client (loaded with
// stand-ins for the editor's API) starts `kpic lsp` from the `kpic.path` setting.
//
// Run: `npm ci && node test/grammar.test.mjs` in editors/vscode (tests/vscode.rs does both).

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import textmate from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const extension = join(dirname(fileURLToPath(import.meta.url)), "..");
const repository = join(extension, "..", "..");
const fixture = join(extension, "test", "fixtures", "all.kpi");
const readJson = (path) => JSON.parse(readFileSync(join(extension, path), "utf8"));
const manifest = readJson("package.json");
const grammarFile = manifest.contributes.grammars[0].path;
const grammarJson = readJson(grammarFile);

// ---------------------------------------------------------------------------------------------
// The engine

const require = createRequire(import.meta.url);
const wasm = readFileSync(join(dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async (scopeName) => (scopeName === "source.kpi" ? grammarJson : null),
});
const grammar = await registry.loadGrammar("source.kpi");

/** The tokens of `text`: {line, start, end, text, scopes} with offsets into the whole text. */
function tokenize(text) {
  const tokens = [];
  let state = textmate.INITIAL;
  let offset = 0;
  text.split("\n").forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, line.length);
      tokens.push({
        line: index + 1,
        start: offset + token.startIndex,
        end: offset + end,
        text: line.slice(token.startIndex, end),
        scopes: token.scopes,
      });
    }
    state = result.ruleStack;
    offset += line.length + 1;
  });
  return tokens;
}

function kpiFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return kpiFiles(path);
    return entry.name.endsWith(".kpi") ? [path] : [];
  });
}

const files = [
  ...kpiFiles(join(repository, "examples")),
  ...kpiFiles(join(repository, "stdlib")),
  fixture,
].map((path) => {
  const text = readFileSync(path, "utf8");
  return { path, name: relative(repository, path), text, tokens: tokenize(text) };
});
const byName = (name) => {
  const file = files.find((file) => file.name === name);
  assert.ok(file, `${name} is one of the tokenized files`);
  return file;
};

// ---------------------------------------------------------------------------------------------
// Scopes at known tokens

/**
 * In `file`, find `snippet` (its first occurrence), then `target` inside it (as a whole word where
 * it begins or ends with a letter, digit or `_`: `in` is not found in `baseline`); the target must be
 * exactly one token (or, with `within`, lie inside one token: the text of a comment or string)
 * whose scopes include one containing `scope`.
 */
function expectScope(name, snippet, target, scope, { within = false } = {}) {
  const file = byName(name);
  const at = file.text.indexOf(snippet);
  assert.ok(at >= 0, `${name} contains ${JSON.stringify(snippet)}`);
  const word = (char) => char !== undefined && /\w/.test(char);
  let inSnippet = snippet.indexOf(target);
  while (
    inSnippet >= 0 &&
    ((word(target[0]) && word(snippet[inSnippet - 1])) ||
      (word(target.at(-1)) && word(snippet[inSnippet + target.length])))
  ) {
    inSnippet = snippet.indexOf(target, inSnippet + 1);
  }
  assert.ok(inSnippet >= 0, `${JSON.stringify(target)} is part of ${JSON.stringify(snippet)}`);
  const start = at + inSnippet;
  const end = start + target.length;
  const token = file.tokens.find((token) => token.start <= start && start < token.end);
  const where = `${name}:${token?.line}: ${JSON.stringify(target)} in ${JSON.stringify(snippet)}`;
  assert.ok(token, `${where}: no token`);
  if (within) {
    assert.ok(token.end >= end, `${where}: split into several tokens, from ${JSON.stringify(token.text)}`);
  } else {
    assert.equal(token.text, target, `${where}: the token is ${JSON.stringify(token.text)}`);
  }
  assert.ok(
    token.scopes.some((s) => s.includes(scope)),
    `${where}: expected a scope containing ${scope}, got ${token.scopes.join(" ")}`,
  );
  return token;
}

const acmeCustomer = "examples/acme/customer.kpi";
const acmeFinancial = "examples/acme/financial.kpi";
const acmeInternal = "examples/acme/internal.kpi";
const riversideDelivery = "examples/riverside/delivery.kpi";
const riversideOutcomes = "examples/riverside/outcomes.kpi";
const time = "stdlib/time.kpi";
const all = "editors/vscode/test/fixtures/all.kpi";

test("declarations: keywords, names, imports", () => {
  const declaration = 'kpi dealer_churn "Dealer churn" extends churn_rate {';
  expectScope(acmeCustomer, declaration, "kpi", "storage.type.kpi");
  expectScope(acmeCustomer, declaration, "dealer_churn", "entity.name.type.kpi");
  expectScope(acmeCustomer, declaration, "extends", "keyword.other.kpi");
  expectScope(acmeCustomer, declaration, "churn_rate", "entity.other.inherited-class.kpi");
  expectScope(acmeCustomer, 'objective keep_customers "Keep', "objective", "storage.type.kpi");
  expectScope(acmeCustomer, 'initiative webshop_relaunch "', "initiative", "storage.type.kpi");
  expectScope("stdlib/bsc.kpi", 'perspective financial "Financial"', "perspective", "storage.type.kpi");
  expectScope("stdlib/finance.kpi", 'metric revenue "Revenue"', "metric", "storage.type.kpi");
  expectScope("examples/acme/scorecard.kpi", 'scorecard "Acme Group', "scorecard", "storage.type.kpi");
  expectScope(acmeCustomer, "use std.customer", "use", "keyword.control.import.kpi");
  expectScope(acmeCustomer, "use std.customer", "customer", "entity.name.namespace.kpi");
  expectScope(acmeCustomer, 'use "metrics.kpi"', "use", "keyword.control.import.kpi");
  expectScope(acmeCustomer, 'use "metrics.kpi"', "metrics.kpi", "string.quoted.double.kpi");
});

test("property keywords and their values", () => {
  expectScope(acmeCustomer, '  owner "Chief Sales Officer"', "owner", "keyword.other.kpi");
  // `objective` as a property of a KPI, not a declaration.
  expectScope(acmeCustomer, "  objective keep_customers\n", "objective", "keyword.other.kpi");
  expectScope(acmeCustomer, "  objective keep_customers\n", "keep_customers", "variable.other.kpi");
  expectScope(acmeCustomer, "  direction down", "direction", "keyword.other.kpi");
  expectScope(acmeCustomer, "  direction down", "down", "constant.language.direction.kpi");
  expectScope(acmeCustomer, "  frequency quarterly", "quarterly", "constant.language.frequency.kpi");
  expectScope(acmeCustomer, "  status on_track", "on_track", "constant.language.status.kpi");
  expectScope("examples/acme/metrics.kpi", "  aggregate sum", "sum", "constant.language.aggregate.kpi");
  expectScope(acmeCustomer, "  drives grow_profitably", "drives", "keyword.other.kpi");
  expectScope("examples/riverside/scorecard.kpi", "  year_start 4", "year_start", "keyword.other.kpi");
  expectScope("examples/riverside/scorecard.kpi", "  year_start 4", "4", "constant.numeric.kpi");
  expectScope(all, "  review yearly", "review", "keyword.other.kpi");
  expectScope(all, "  review yearly", "yearly", "constant.language.frequency.kpi");
  expectScope(all, "  reviewed 2026-01-15", "reviewed", "keyword.other.kpi");
});

test("comments: line, block (nested), doc", () => {
  expectScope(acmeCustomer, "// Objectives", "//", "punctuation.definition.comment.kpi");
  expectScope(acmeCustomer, "// Objectives", "Objectives", "comment.line.double-slash.kpi", { within: true });
  expectScope(
    "examples/riverside/scorecard.kpi",
    "use std.time        // rolling",
    "rolling",
    "comment.line.double-slash.kpi",
    { within: true },
  );
  expectScope(
    acmeCustomer,
    "/// Webshop net sales as a share",
    "Webshop net sales",
    "comment.line.documentation.kpi",
    { within: true },
  );
  expectScope(all, "/* A block comment", "/*", "comment.block.kpi");
  expectScope(all, "/* A block comment", "A block comment", "comment.block.kpi", { within: true });
  // The nested comment is closed by its own `*/`: the text after it is still a comment.
  const nested = expectScope(all, "/* that nests */", "that nests", "comment.block.kpi", { within: true });
  assert.equal(nested.scopes.filter((s) => s === "comment.block.kpi").length, 2, "two comment levels");
  expectScope(all, "and goes on", "and goes on", "comment.block.kpi", { within: true });
  expectScope(all, "over a second line.", "over a second line.", "comment.block.kpi", { within: true });
  // The line after the comment is code again.
  expectScope(all, "/// A scorecard with a lint block", "A scorecard", "comment.line.documentation.kpi", {
    within: true,
  });
});

test("strings and their escapes", () => {
  expectScope(acmeCustomer, '"Chief Sales Officer"', "Chief Sales Officer", "string.quoted.double.kpi");
  expectScope(acmeCustomer, '"Chief Sales Officer"', '"', "punctuation.definition.string.begin.kpi");
  const title = 'scorecard "Fixture \\"all\\" — escapes: \\\\ \\n \\t \\u{2713}" {';
  for (const escape of ['\\"', "\\\\", "\\n", "\\t", "\\u{2713}"]) {
    const token = expectScope(
      all,
      title.slice(title.indexOf(escape)),
      escape,
      "constant.character.escape.kpi",
    );
    assert.ok(token.scopes.includes("string.quoted.double.kpi"), `${escape} is inside the string`);
  }
  // After the escaped quote the string goes on; the `{` after the real end is code.
  expectScope(all, title, "all", "string.quoted.double.kpi");
  expectScope(all, '2713}" {', "{", "punctuation.section.block.begin.kpi");
});

test("periods", () => {
  expectScope(acmeCustomer, "baseline 1.9% in 2025-12", "2025-12", "constant.numeric.period.kpi");
  expectScope(acmeCustomer, "baseline 1.9% in 2025-12", "in", "keyword.other.kpi");
  expectScope(acmeCustomer, "baseline 31 points in 2025-Q4", "2025-Q4", "constant.numeric.period.kpi");
  expectScope(acmeCustomer, "    2026-03 1.8%", "2026-03", "constant.numeric.period.kpi");
  expectScope(acmeCustomer, "  due 2026-12", "2026-12", "constant.numeric.period.kpi");
  const span = "period 2026-01 .. 2026-12";
  expectScope("examples/acme/scorecard.kpi", span, "2026-01", "constant.numeric.period.kpi");
  expectScope("examples/acme/scorecard.kpi", span, "..", "keyword.operator.range.kpi");
  expectScope("examples/acme/scorecard.kpi", span, "2026-12", "constant.numeric.period.kpi");
  expectScope(all, "baseline 1_200 orders in 2026-W01", "2026-W01", "constant.numeric.period.kpi");
  expectScope(all, "    2026-W10 1_300 orders", "2026-W10", "constant.numeric.period.kpi");
  expectScope(all, "by 2026-H2", "2026-H2", "constant.numeric.period.kpi");
  expectScope(all, "  reviewed 2026-01-15", "2026-01-15", "constant.numeric.period.kpi");
  // A bare year is a period where a period is expected, a number elsewhere.
  expectScope(all, "    2026 1_500 orders", "2026", "constant.numeric.period.kpi");
  expectScope(all, "  due 2026\n", "2026", "constant.numeric.period.kpi");
  const budget = expectScope(all, "  budget 1_200_000 EUR", "1_200_000", "constant.numeric.kpi");
  assert.ok(!budget.scopes.some((s) => s.includes("period")), "1_200_000 is no period");
});

test("numbers, percentages and quantities with units", () => {
  expectScope(acmeCustomer, "budget 1_200_000 EUR", "1_200_000", "constant.numeric.kpi");
  expectScope(acmeCustomer, "budget 1_200_000 EUR", "EUR", "keyword.other.unit.kpi");
  expectScope(acmeFinancial, "baseline 36.8% in", "36.8", "constant.numeric.kpi");
  expectScope(acmeFinancial, "baseline 36.8% in", "%", "keyword.other.unit.kpi");
  expectScope(all, "  tolerance 12.5%", "12.5", "constant.numeric.kpi");
  expectScope(all, "  tolerance 12.5%", "%", "keyword.other.unit.kpi");
  expectScope(acmeFinancial, "target 55 days .. 70 days by", "days", "keyword.other.unit.kpi");
  expectScope(acmeFinancial, "target 55 days .. 70 days by", "..", "keyword.operator.range.kpi");
  // A reserved word after a number is no unit.
  expectScope(acmeFinancial, "target 45 days by 2026-12", "by", "keyword.other.kpi");
  expectScope(all, "target 3.5 days .. 5 days", "3.5", "constant.numeric.kpi");
  expectScope(all, "target 3.5 days .. 5 days", "days", "keyword.other.unit.kpi");
  expectScope(acmeInternal, "baseline 4.2 kWh/piece in", "kWh/piece", "keyword.other.unit.kpi");
  expectScope(riversideOutcomes, "baseline 31 ug/m3 in", "ug/m3", "keyword.other.unit.kpi");
  expectScope(riversideDelivery, "target -1_500_000 EUR .. 0 EUR", "-1_500_000", "constant.numeric.kpi");
  expectScope(acmeInternal, "  unit hours/ticket", "unit", "keyword.other.kpi");
  expectScope(acmeInternal, "  unit hours/ticket", "hours/ticket", "keyword.other.unit.kpi");
  expectScope(acmeCustomer, "  unit %", "%", "keyword.other.unit.kpi");
  expectScope(all, "target 130 EUR/customer by", "EUR/customer", "keyword.other.unit.kpi");
});

test("formulas: operators, built-in and user functions, units in formulas", () => {
  const sum = "formula online_sales + store_sales + dealer_sales";
  expectScope("examples/acme/metrics.kpi", sum, "formula", "keyword.other.kpi");
  expectScope("examples/acme/metrics.kpi", sum, "+", "keyword.operator.arithmetic.kpi");
  expectScope("examples/acme/metrics.kpi", sum, "store_sales", "variable.other.kpi");
  expectScope(acmeCustomer, "formula online_sales / total_sales", "/", "keyword.operator.arithmetic.kpi");
  expectScope(
    "stdlib/operations.kpi",
    "oee_availability * oee_performance",
    "*",
    "keyword.operator.arithmetic.kpi",
  );
  expectScope(
    riversideDelivery,
    "formula ytd(net_spend) - ytd(approved_budget)",
    "-",
    "keyword.operator.arithmetic.kpi",
  );
  expectScope(acmeFinancial, "formula ytd(procurement_savings)", "ytd", "support.function.kpi");
  expectScope(acmeFinancial, "formula ytd(procurement_savings)", "(", "punctuation.section.parens.begin.kpi");
  expectScope(
    acmeFinancial,
    "formula yoy_monthly(total_sales)",
    "yoy_monthly",
    "entity.name.function.call.kpi",
  );
  expectScope("stdlib/customer.kpi", "/ lag(customers, 1)", "lag", "support.function.kpi");
  expectScope("stdlib/customer.kpi", "/ nps_responses * 100 points", "points", "keyword.other.unit.kpi");
  expectScope("stdlib/finance.kpi", "* 365 days / days_in_period", "days", "keyword.other.unit.kpi");
  expectScope("stdlib/finance.kpi", "* 365 days / days_in_period", "days_in_period", "variable.other.kpi");
  const paren = "formula 120 (EUR/customer) * customers";
  expectScope(all, paren, "120", "constant.numeric.kpi");
  expectScope(all, paren, "EUR/customer", "keyword.other.unit.kpi");
  // In a formula a unit is one word: `/ customers` after it is a division by a metric.
  expectScope(all, paren, "customers", "variable.other.kpi");
});

test("fn declarations", () => {
  const fn = "fn ttm_growth(x) = sum_over(x, 12) / lag(sum_over(x, 12), 12) - 1";
  expectScope(time, fn, "fn", "storage.type.function.kpi");
  expectScope(time, fn, "ttm_growth", "entity.name.function.kpi");
  expectScope(time, fn, "x", "variable.parameter.kpi");
  expectScope(time, fn, "=", "keyword.operator.assignment.kpi");
  expectScope(time, fn, "sum_over", "support.function.kpi");
  expectScope(time, fn, "lag", "support.function.kpi");
  expectScope(time, fn, "12", "constant.numeric.kpi");
  expectScope(time, fn, "-", "keyword.operator.arithmetic.kpi");
  expectScope(time, "fn rolling_avg(x, n) = avg_over(x, n)", "avg_over", "support.function.kpi");
  expectScope(all, "fn smooth(x, n) = max(", "max", "support.function.kpi");
  expectScope(all, "fn smooth(x, n) = max(", "n", "variable.parameter.kpi");
});

test("thresholds", () => {
  const thresholds = "thresholds { green >= 38 points amber >= 32 points }";
  expectScope(acmeCustomer, thresholds, "thresholds", "keyword.other.kpi");
  expectScope(acmeCustomer, thresholds, "green", "constant.language.band.kpi");
  expectScope(acmeCustomer, thresholds, ">=", "keyword.operator.comparison.kpi");
  expectScope(acmeCustomer, thresholds, "points", "keyword.other.unit.kpi");
  // `amber` after a quantity is the next band, not its unit.
  expectScope(acmeCustomer, thresholds, "amber", "constant.language.band.kpi");
  expectScope(riversideDelivery, "{ green <= 4% amber <= 4.5% }", "<=", "keyword.operator.comparison.kpi");
});

test("attributes and the lint block", () => {
  const allow = '@allow(missing-description, "the title says it all")';
  expectScope(all, allow, "@", "punctuation.definition.attribute.kpi");
  expectScope(all, allow, "@", "meta.attribute.kpi");
  expectScope(all, allow, "allow", "entity.name.function.attribute.kpi");
  expectScope(all, allow, "missing-description", "constant.other.rule.kpi");
  expectScope(all, allow, ",", "punctuation.separator.comma.kpi");
  const reason = expectScope(all, allow, "the title says it all", "string.quoted.double.kpi");
  assert.ok(reason.scopes.includes("meta.attribute.kpi"), "the reason is part of the attribute");
  expectScope(all, allow, ")", "punctuation.section.attribute.end.kpi");
  expectScope(all, "@deny(missing-owner)", "deny", "entity.name.function.attribute.kpi");
  expectScope(all, "@deny(missing-owner)", "missing-owner", "constant.other.rule.kpi");
  expectScope(all, "  lint {", "lint", "keyword.other.kpi");
  expectScope(all, "    allow too-many-kpis", "allow", "keyword.other.lint-level.kpi");
  expectScope(all, "    allow too-many-kpis", "too-many-kpis", "constant.other.rule.kpi");
  expectScope(all, "    warn missing-owner, no-target", "warn", "keyword.other.lint-level.kpi");
  expectScope(all, "    warn missing-owner, no-target", "no-target", "constant.other.rule.kpi");
});

test("single lines: bad escapes, //// comments, unclosed strings", () => {
  const line = (text) => tokenize(text).map((token) => [token.text, token.scopes.at(-1)]);
  assert.deepEqual(line('owner "a\\qb"'), [
    ["owner", "keyword.other.kpi"],
    [" ", "source.kpi"],
    ['"', "punctuation.definition.string.begin.kpi"],
    ["a", "string.quoted.double.kpi"],
    ["\\q", "invalid.illegal.escape.kpi"],
    ["b", "string.quoted.double.kpi"],
    ['"', "punctuation.definition.string.end.kpi"],
  ]);
  // `////` is an ordinary comment, not a doc comment.
  assert.deepEqual(line("//// rule"), [
    ["//", "punctuation.definition.comment.kpi"],
    ["// rule", "comment.line.double-slash.kpi"],
  ]);
  // A string ends on its line: an unclosed quote does not swallow the next one.
  const tokens = tokenize('owner "unclosed\nunit EUR');
  assert.equal(tokens.find((token) => token.text === "unit").scopes.at(-1), "keyword.other.kpi");
  assert.equal(tokens.find((token) => token.text === "EUR").scopes.at(-1), "keyword.other.unit.kpi");
});

// ---------------------------------------------------------------------------------------------
// The grammar's words follow the language: keywords and value words of grammar/kpi.pest, the
// built-in functions of src/semantic/model.rs

const pest = readFileSync(join(repository, "grammar", "kpi.pest"), "utf8");
/** The words of a pest rule written `NAME = @{ ("a" | "b" | …) ~ !ident_char }`. */
const pestWords = (rule) => {
  const body = pest.match(new RegExp(`^${rule}\\s*=\\s*@\\{\\s*\\(([^)]*)\\)`, "m"));
  assert.ok(body, `kpi.pest has the rule ${rule}`);
  return body[1].match(/"[a-z_]+"/g).map((word) => word.slice(1, -1));
};
/** The scopes of the first token of `line` whose text is `word`. */
const scopesOf = (line, word) => {
  const token = tokenize(line).find((token) => token.text === word);
  assert.ok(token, `${JSON.stringify(word)} is one token of ${JSON.stringify(line)}`);
  return token.scopes;
};
const expectIn = (line, word, scope) => {
  const scopes = scopesOf(line, word);
  assert.ok(scopes.includes(scope), `${JSON.stringify(line)}: ${word} is ${scopes.join(" ")}, not ${scope}`);
};

test("every keyword of kpi.pest is highlighted as one", () => {
  const keywords = new Map(
    [...pest.matchAll(/^kw_(\w+)\s*=\s*@\{\s*"([a-z_]+)"/gm)].map(([, rule, word]) => [rule, word]),
  );
  const declarations = new Set(
    [...pest.matchAll(/^\w+_decl\s*=\s*\{\s*kw_(\w+)/gm)].map(([, rule]) => keywords.get(rule)),
  );
  assert.ok(keywords.size >= 30, `${keywords.size} keywords`);
  assert.deepEqual([...declarations].sort(), [
    "fn",
    "initiative",
    "kpi",
    "metric",
    "objective",
    "org",
    "perspective",
    "scorecard",
    "use",
  ]);
  for (const word of keywords.values()) {
    if (word === "scorecard") expectIn('scorecard "Title" {', word, "storage.type.kpi");
    else if (word === "use") expectIn("use std.bsc", word, "keyword.control.import.kpi");
    else if (word === "fn") expectIn("fn half(x) = x / 2", word, "storage.type.function.kpi");
    else if (declarations.has(word)) expectIn(`${word} some_id "Title" {`, word, "storage.type.kpi");
    // Every other keyword starts a property (or is `extends`, `in`, `by`).
    if (!declarations.has(word) || ["perspective", "objective"].includes(word)) {
      expectIn(`  ${word} some_id`, word, "keyword.other.kpi");
    }
  }
});

test("every value word of kpi.pest is highlighted after its keyword", () => {
  const properties = [
    ["frequency", "frequency", "constant.language.frequency.kpi"],
    ["review", "frequency", "constant.language.frequency.kpi"],
    ["aggregate", "aggregate", "constant.language.aggregate.kpi"],
    ["direction", "direction", "constant.language.direction.kpi"],
    ["status", "initiative_status", "constant.language.status.kpi"],
  ];
  for (const [keyword, rule, scope] of properties) {
    for (const word of pestWords(rule)) expectIn(`  ${keyword} ${word}`, word, scope);
  }
  for (const band of pestWords("band")) {
    expectIn(`  thresholds { ${band} >= 5% }`, band, "constant.language.band.kpi");
  }
  for (const level of pestWords("lint_level")) {
    expectIn(`@${level}(no-target)`, level, "entity.name.function.attribute.kpi");
    expectIn(`  lint { ${level} no-target }`, level, "keyword.other.lint-level.kpi");
  }
});

test("every built-in function of the model is a support.function", () => {
  const model = readFileSync(join(repository, "src", "semantic", "model.rs"), "utf8");
  const names = model.slice(model.indexOf("pub fn name(self)"));
  const builtins = [...names.slice(0, names.indexOf("\n    }\n")).matchAll(/Builtin::\w+ => "(\w+)"/g)].map(
    ([, name]) => name,
  );
  assert.ok(builtins.includes("sum_over") && builtins.includes("coalesce"), builtins.join(", "));
  for (const name of builtins) expectIn(`  formula ${name}(revenue, 2)`, name, "support.function.kpi");
  // A function of the project or the stdlib is a call, not a built-in.
  expectIn("  formula lagged(revenue, 2)", "lagged", "entity.name.function.call.kpi");
});

// ---------------------------------------------------------------------------------------------
// Every file: nothing invalid, nothing left bare

const RESERVED = new Set(
  pest
    .match(/reserved_word = _\{([^}]*)\}/)[1]
    .match(/"[a-z_]+"/g)
    .map((word) => word.slice(1, -1)),
);
const PERIOD = /^\d{4}-(?:[HhQq]\d|[Ww]\d{2}|\d{2}(?:-\d{2})?)$/;
const inCommentOrString = (token) =>
  token.scopes.some((s) => s.startsWith("comment.") || s.startsWith("string."));

test("the tokenized files: all examples, the standard library and the fixture", () => {
  const names = files.map((file) => file.name);
  assert.ok(names.includes("examples/acme/scorecard.kpi"), names.join(", "));
  assert.ok(names.includes("examples/riverside/scorecard.kpi"), names.join(", "));
  assert.ok(names.includes("stdlib/bsc.kpi"), names.join(", "));
  assert.ok(files.length >= 17, `${files.length} files`);
  assert.ok(RESERVED.has("thresholds") && RESERVED.has("amber"), "reserved words read from kpi.pest");
});

for (const file of files) {
  test(`${file.name}: every token scoped, none invalid`, () => {
    let code = 0;
    for (const token of file.tokens) {
      const where = `${file.name}:${token.line}: ${JSON.stringify(token.text)} (${token.scopes.join(" ")})`;
      assert.ok(!token.scopes.some((s) => s.includes("invalid")), where);
      assert.equal(token.scopes[0], "source.kpi", where);
      const text = token.text.trim();
      if (text === "" || inCommentOrString(token)) continue;
      code += 1;
      assert.ok(token.scopes.length > 1, `${where}: left bare`);
      assert.equal(text, token.text, `${where}: a token of code holds no blanks`);
      if (RESERVED.has(text)) {
        assert.ok(
          token.scopes.some((s) => /^(keyword|storage|constant\.language)\./.test(s)),
          `${where}: a keyword`,
        );
      }
      if (PERIOD.test(text)) {
        assert.ok(token.scopes.includes("constant.numeric.period.kpi"), `${where}: a period`);
      } else if (/^-?\d/.test(text)) {
        assert.match(text, /^-?\d(?:_?\d)*(?:\.\d+)?$/, `${where}: one number`);
        assert.ok(
          token.scopes.some((s) => s.startsWith("constant.numeric")),
          `${where}: a number`,
        );
      }
    }
    assert.ok(code > 10, `${file.name}: ${code} tokens of code`);
  });
}

// ---------------------------------------------------------------------------------------------
// The grammar file and the manifest

test("the grammar: every include resolves and every pattern compiles", () => {
  assert.equal(grammarJson.scopeName, "source.kpi");
  const includes = [];
  const regexes = [];
  (function walk(node) {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "include") includes.push(value);
      else if (["match", "begin", "end"].includes(key)) regexes.push(value);
      else walk(value);
    }
  })(grammarJson);
  for (const include of includes) {
    assert.ok(include.startsWith("#"), include);
    assert.ok(include.slice(1) in grammarJson.repository, `${include} is in the repository`);
  }
  assert.ok(regexes.length > 30, `${regexes.length} patterns`);
  for (const regex of regexes) {
    assert.doesNotThrow(() => new oniguruma.OnigScanner([regex]).dispose(), regex);
  }
});

test("package.json is a manifest VS Code loads", () => {
  for (const field of ["name", "publisher", "version", "displayName", "description", "main"]) {
    assert.equal(typeof manifest[field], "string", field);
    assert.ok(manifest[field].length > 0, field);
  }
  assert.equal(manifest.name, "kpic");
  assert.match(manifest.name, /^[a-z0-9][a-z0-9-]*$/);
  assert.match(manifest.publisher, /^[a-z0-9][a-z0-9-]*$/i);
  assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
  assert.match(manifest.engines.vscode, /^\^\d+\.\d+\.\d+$/);
  assert.ok(existsSync(join(extension, manifest.main)), `main: ${manifest.main}`);
  assert.deepEqual(manifest.activationEvents, ["onLanguage:kpi"]);

  const [language] = manifest.contributes.languages;
  assert.equal(language.id, "kpi");
  assert.deepEqual(language.extensions, [".kpi"]);
  const configuration = JSON.parse(readFileSync(join(extension, language.configuration), "utf8"));
  assert.deepEqual(configuration.comments, { lineComment: "//", blockComment: ["/*", "*/"] });
  assert.ok(configuration.autoClosingPairs.some((pair) => pair.open === '"' && pair.close === '"'));
  assert.ok(configuration.surroundingPairs.some(([open]) => open === "{"));

  const [grammarEntry] = manifest.contributes.grammars;
  assert.equal(grammarEntry.language, "kpi");
  assert.equal(grammarEntry.scopeName, "source.kpi");
  assert.ok(existsSync(join(extension, grammarEntry.path)), grammarEntry.path);

  const setting = manifest.contributes.configuration.properties["kpic.path"];
  assert.equal(setting.type, "string");
  assert.equal(setting.default, "kpic");
  const commands = manifest.contributes.commands.map((command) => command.command);
  assert.ok(
    commands.every((command) => command.startsWith("kpic.")),
    commands.join(", "),
  );

  // The client needs vscode-languageclient at run time; the engine of this test only here.
  assert.ok(manifest.dependencies["vscode-languageclient"]);
  assert.ok(manifest.devDependencies["vscode-textmate"] && manifest.devDependencies["vscode-oniguruma"]);
  const lock = readJson("package-lock.json");
  for (const name of ["vscode-languageclient", "vscode-textmate", "vscode-oniguruma"]) {
    assert.ok(lock.packages[`node_modules/${name}`], `${name} is pinned in package-lock.json`);
  }
});

test("the client starts `kpic lsp` from the kpic.path setting for kpi documents", async () => {
  // The extension's main module, loaded with stand-ins for the editor's API and the client.
  const clients = [];
  const watchers = [];
  const commands = new Map();
  const configurationListeners = [];
  const errors = [];
  let path = "/opt/kpic/bin/kpic";
  let failStart = false;
  const disposable = { dispose() {} };
  const vscode = {
    workspace: {
      getConfiguration: (section) => ({
        get: (key) => (section === "kpic" && key === "path" ? path : undefined),
      }),
      createFileSystemWatcher: (glob) => (watchers.push(glob), { glob, ...disposable }),
      onDidChangeConfiguration: (listener) => (configurationListeners.push(listener), disposable),
    },
    window: { showErrorMessage: (message) => errors.push(message) },
    commands: { registerCommand: (id, handler) => (commands.set(id, handler), disposable) },
  };
  class LanguageClient {
    constructor(id, name, server, options) {
      this.stopped = false;
      clients.push({ id, server, options, instance: this });
    }
    async start() {
      if (failStart) throw new Error(`spawn ${path} ENOENT`);
    }
    async stop() {
      this.stopped = true;
    }
  }
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === "vscode") return vscode;
    if (request === "vscode-languageclient/node") return { LanguageClient, TransportKind: { stdio: 0 } };
    return load.call(this, request, ...rest);
  };
  try {
    const main = require(join(extension, manifest.main));
    const context = { subscriptions: [] };
    await main.activate(context);
    assert.equal(clients.length, 1);
    const [{ id, server, options }] = clients;
    assert.equal(id, "kpic");
    assert.deepEqual(server.run, { command: "/opt/kpic/bin/kpic", args: ["lsp"], transport: 0 });
    assert.deepEqual(options.documentSelector, [{ language: "kpi" }]);
    assert.deepEqual(watchers, ["**/*.kpi", "**/*.{csv,json,ndjson}"]);
    assert.deepEqual(
      options.synchronize.fileEvents.map((watcher) => watcher.glob),
      watchers,
    );
    assert.deepEqual(
      [...commands.keys()],
      manifest.contributes.commands.map((command) => command.command),
    );
    assert.deepEqual(errors, []);

    // The restart command, and a change of kpic.path, stop the server and start it again.
    await commands.get("kpic.restartServer")();
    assert.equal(clients.length, 2);
    assert.ok(clients[0].instance.stopped);
    path = "/usr/local/bin/kpic";
    await configurationListeners[0]({ affectsConfiguration: (section) => section === "kpic.path" });
    assert.equal(clients.length, 3);
    assert.equal(clients[2].server.run.command, "/usr/local/bin/kpic");
    await configurationListeners[0]({ affectsConfiguration: () => false });
    assert.equal(clients.length, 3, "another setting restarts nothing");
    await main.deactivate();
    assert.ok(clients[2].instance.stopped);

    // A binary that does not start is reported, not thrown.
    failStart = true;
    path = "";
    await main.activate({ subscriptions: [] });
    assert.equal(clients.at(-1).server.run.command, "kpic", "the default when kpic.path is empty");
    assert.equal(errors.length, 1);
    assert.match(errors[0], /`kpic lsp`.*ENOENT.*kpic\.path/);
    await main.deactivate();
  } finally {
    Module._load = load;
  }
});
