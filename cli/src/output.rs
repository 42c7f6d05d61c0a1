//! Output: aligned tables for people, `--json` and `--csv` for scripts.
//!
//! A command builds a [`View`]: records (JSON objects, the models as serde serialises them) plus
//! the columns to show. JSON prints the records whole; CSV prints every listed column; the table
//! prints the (possibly shorter) table columns, or one `field  value` line per column when there
//! is a single record.

use std::io::{IsTerminal, Write};

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use serde_json::Value;

use crate::failure::{redact, CliResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One object (`customer`, `renew`): JSON prints the object, the table is vertical.
    One,
    /// A list: JSON prints an array.
    Many,
}

/// What a command prints.
#[derive(Debug, Clone)]
pub struct View {
    pub shape: Shape,
    /// Columns for CSV (and the table unless `table_columns` is set).
    pub columns: Vec<String>,
    /// A shorter list for the table when records are wide.
    pub table_columns: Option<Vec<String>>,
    pub records: Vec<Value>,
    /// JSON printed instead of `records` (e.g. a whole page with its counts).
    pub json: Option<Value>,
    /// A line printed under the table (table format only).
    pub footer: Option<String>,
}

impl View {
    pub fn one<T: Serialize>(record: &T, columns: &[&str]) -> CliResult<View> {
        Ok(View {
            shape: Shape::One,
            columns: strings(columns),
            table_columns: None,
            records: vec![serde_json::to_value(record)?],
            json: None,
            footer: None,
        })
    }

    pub fn many<T: Serialize>(records: &[T], columns: &[&str]) -> CliResult<View> {
        Ok(View {
            shape: Shape::Many,
            columns: strings(columns),
            table_columns: None,
            records: records
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?,
            json: None,
            footer: None,
        })
    }

    pub fn table_columns(mut self, columns: &[&str]) -> Self {
        self.table_columns = Some(strings(columns));
        self
    }

    pub fn json(mut self, json: Value) -> Self {
        self.json = Some(json);
        self
    }

    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.footer = Some(footer.into());
        self
    }

    pub fn print(&self, format: Format) -> CliResult {
        let mut out = std::io::stdout().lock();
        let text = self.render(format)?;
        out.write_all(redact(&text).as_bytes())?;
        out.flush()?;
        Ok(())
    }

    pub fn render(&self, format: Format) -> CliResult<String> {
        Ok(match format {
            Format::Json => {
                let value = match (&self.json, self.shape) {
                    (Some(v), _) => v.clone(),
                    (None, Shape::One) => self.records.first().cloned().unwrap_or(Value::Null),
                    (None, Shape::Many) => Value::Array(self.records.clone()),
                };
                let mut s = serde_json::to_string_pretty(&value)?;
                s.push('\n');
                s
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(&self.columns)?;
                for r in &self.records {
                    w.write_record(self.columns.iter().map(|c| cell(r.get(c))))?;
                }
                String::from_utf8(
                    w.into_inner()
                        .map_err(|e| crate::failure::failed(e.to_string()))?,
                )
                .unwrap_or_default()
            }
            Format::Table => {
                let columns = self.table_columns.as_ref().unwrap_or(&self.columns);
                let mut s = if self.shape == Shape::One && self.records.len() == 1 {
                    vertical(&self.records[0], columns)
                } else if self.records.is_empty() {
                    "(none)".to_string()
                } else {
                    horizontal(&self.records, columns)
                };
                s.push('\n');
                if let Some(f) = &self.footer {
                    s.push_str(f);
                    s.push('\n');
                }
                s
            }
        })
    }
}

fn strings(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| c.to_string()).collect()
}

/// A JSON value as a cell: strings bare, whole floats without `.0`, null empty.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => number(n),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        Some(other) => other.to_string(),
    }
}

fn number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => n.to_string(),
    }
}

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}

/// Columns side by side, numbers right-aligned.
pub fn horizontal(records: &[Value], columns: &[String]) -> String {
    let mut t = new_table();
    t.set_header(columns.iter().map(|c| c.to_uppercase()));
    for r in records {
        t.add_row(columns.iter().map(|c| cell(r.get(c))));
    }
    for (i, c) in columns.iter().enumerate() {
        let numeric = records
            .iter()
            .all(|r| matches!(r.get(c), Some(Value::Number(_)) | None | Some(Value::Null)));
        if numeric {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    trim_lines(&t.to_string())
}

/// One `field  value` line per column.
pub fn vertical(record: &Value, columns: &[String]) -> String {
    let mut t = new_table();
    for c in columns {
        t.add_row(vec![c.clone(), cell(record.get(c))]);
    }
    trim_lines(&t.to_string())
}

/// Rows of already formatted cells (for reports).
pub fn grid(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = new_table();
    if !header.is_empty() {
        t.set_header(header.iter().map(|h| h.to_string()));
    }
    for r in rows {
        t.add_row(r.clone());
    }
    trim_lines(&t.to_string())
}

fn trim_lines(s: &str) -> String {
    s.lines()
        .map(|l| l.trim_end())
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether progress bars may be drawn: stderr is a terminal and `--quiet` was not given.
pub fn progress_allowed(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A progress bar on stderr, or a hidden one when not allowed.
pub fn progress_bar(len: Option<u64>, message: &str, allowed: bool) -> ProgressBar {
    if !allowed {
        return ProgressBar::hidden();
    }
    let bar = match len {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{msg:>12} [{bar:40.cyan/blue}] {pos}/{len} cards  {per_sec}  eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{msg:>12} {spinner} {pos} cards  {per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_message(message.to_string());
    bar
}
