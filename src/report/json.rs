//! `report.json`: the report as pretty-printed JSON, the same bytes as
//! `serde_json::to_writer_pretty` plus a trailing newline.
//!
//! Most of a large report is its `kpis` array (10,000 KPIs × 36 periods make 120 MB), or its
//! `orgs` array for an organisation, so these arrays are serialized in parallel: the current thread writes the first share of the KPIs
//! straight to the output while helper threads serialize the others into buffers, written after
//! it in order. The fields around the array are written one by one, in the order of [`Report`];
//! a test checks that the result is byte for byte what serde writes for the whole document.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use super::Report;

/// Writes the report as pretty-printed JSON with a trailing newline.
pub fn write_json(report: &Report<'_>, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{")?;
    field(out, true, "version", &report.version)?;
    field(out, false, "scorecard", &report.scorecard)?;
    field(out, false, "as_of", &report.as_of)?;
    field(out, false, "periods", &report.periods)?;
    field(out, false, "score", &report.score)?;
    field(out, false, "status", &report.status)?;
    field(out, false, "coverage", &report.coverage)?;
    field(out, false, "history", &report.history)?;
    field(out, false, "perspectives", &report.perspectives)?;
    key(out, false, "kpis")?;
    array(out, &report.kpis)?;
    key(out, false, "orgs")?;
    array(out, &report.orgs)?;
    field(out, false, "diagnostics", &report.diagnostics)?;
    out.write_all(b"\n}\n")
}

/// The report as pretty-printed JSON with a trailing newline.
pub fn render_json(report: &Report<'_>) -> String {
    let mut bytes = Vec::new();
    write_json(report, &mut bytes).expect("the report serializes into memory");
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// `"name": value` as a field of the top-level object.
fn field(out: &mut impl Write, first: bool, name: &str, value: &impl Serialize) -> io::Result<()> {
    key(out, first, name)?;
    serialize_at(out, 1, value)
}

fn key(out: &mut impl Write, first: bool, name: &str) -> io::Result<()> {
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    serde_json::to_writer(&mut *out, name)?;
    out.write_all(b": ")
}

/// `value` pretty-printed as if it stood `depth` levels deep in a document.
fn serialize_at(out: &mut impl Write, depth: usize, value: &impl Serialize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Pretty::at(depth));
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// A top-level array, its elements serialized on rayon's threads: this thread writes the first
/// share straight to `out` while the others serialize the rest into buffers, written after it
/// in order. (A panic in a task goes on as the one crash the panic hook reported.)
fn array<T: Serialize + Sync>(out: &mut impl Write, items: &[T]) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    let share = items
        .len()
        .div_ceil(rayon::current_num_threads().clamp(1, 8));
    let (own, others) = items.split_at(share.min(items.len()));
    let mut buffers: Vec<io::Result<Vec<u8>>> =
        others.chunks(share).map(|_| Ok(Vec::new())).collect();
    out.write_all(b"[")?;
    let written = rayon::in_place_scope(|scope| {
        for (buffer, chunk) in buffers.iter_mut().zip(others.chunks(share)) {
            scope.spawn(move |_| {
                let mut bytes = Vec::new();
                *buffer = elements(&mut bytes, chunk, false).map(|()| bytes);
            });
        }
        elements(out, own, true)
    });
    written?;
    for buffer in buffers {
        out.write_all(&buffer?)?;
    }
    out.write_all(b"\n  ]")
}

/// Elements of a top-level array, each on its own line at depth 2; `first` when they start it.
fn elements<T: Serialize>(out: &mut impl Write, items: &[T], first: bool) -> io::Result<()> {
    for (at, item) in items.iter().enumerate() {
        out.write_all(if first && at == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        serialize_at(out, 2, item)?;
    }
    Ok(())
}

/// serde_json's pretty layout (two spaces a level), starting `depth` levels deep.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(out)?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }

    fn newline<W: ?Sized + Write>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"\n")?;
        self.indent(out)
    }

    fn indent<W: ?Sized + Write>(&self, out: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::pipeline::{CheckOptions, check_path};

    /// The parallel writer gives the bytes serde gives for the whole document, for reports of
    /// one KPI and of more KPIs than threads, with and without diagnostics.
    #[test]
    fn writes_what_serde_writes() {
        for project in ["tests/report/mixed", "tests/report/targets"] {
            let outcome = check_path(Path::new(project), &CheckOptions::default()).unwrap();
            let mut report = crate::report::build(&outcome, None, None).unwrap();
            for _ in 0..3 {
                let expected = serde_json::to_string_pretty(&report).unwrap() + "\n";
                assert_eq!(render_json(&report), expected, "{project}");
                report.kpis.truncate(1);
                report.diagnostics.clear();
            }
            report.kpis.clear();
            let expected = serde_json::to_string_pretty(&report).unwrap() + "\n";
            assert_eq!(render_json(&report), expected, "{project} without KPIs");
        }
    }
}
