//! Query results as text: an aligned table (for terminals), CSV (RFC 4180 quoting) or
//! JSON (an array of objects, numbers as numbers, NULL as null, blobs as text).
#![forbid(unsafe_code)]

use std::io::{self, Write};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// NULL.
    Null,
    /// INTEGER.
    Int(i64),
    /// REAL.
    Real(f64),
    /// TEXT (or a BLOB shown as text).
    Text(String),
}

impl Cell {
    fn plain(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Real(f) => f.to_string(),
            Cell::Text(s) => s.clone(),
        }
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns with a header rule.
    Table,
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array of row objects.
    Json,
}

/// Writes an aligned table. Control characters are shown as `?` so rows stay one line.
pub fn table(out: &mut dyn Write, cols: &[String], rows: &[Vec<Cell>]) -> io::Result<()> {
    let clean = |s: String| -> String {
        s.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect()
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c.plain())).collect())
        .collect();
    let mut w: Vec<usize> = cols.iter().map(|c| c.chars().count()).collect();
    for r in &cells {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, r: &[String], nums: Option<&[Cell]>| -> io::Result<()> {
        let mut s = String::new();
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = w[i] - c.chars().count();
            let right = matches!(
                nums.and_then(|n| n.get(i)),
                Some(Cell::Int(_) | Cell::Real(_))
            );
            if right {
                s.extend(std::iter::repeat_n(' ', pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                if i + 1 < r.len() {
                    s.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, cols, None)?;
    let rule: Vec<String> = w.iter().map(|&n| "-".repeat(n)).collect();
    line(out, &rule, None)?;
    for (r, raw) in cells.iter().zip(rows) {
        line(out, r, Some(raw))?;
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes CSV: a header line, then one line per row; NULL is an empty field.
pub fn csv(out: &mut dyn Write, cols: &[String], rows: &[Vec<Cell>]) -> io::Result<()> {
    let hdr: Vec<String> = cols.iter().map(|c| csv_field(c)).collect();
    writeln!(out, "{}", hdr.join(","))?;
    for r in rows {
        let f: Vec<String> = r.iter().map(|c| csv_field(&c.plain())).collect();
        writeln!(out, "{}", f.join(","))?;
    }
    Ok(())
}

/// Writes a JSON array of objects keyed by column name, keys in column order.
pub fn json(out: &mut dyn Write, cols: &[String], rows: &[Vec<Cell>]) -> io::Result<()> {
    let keys: Vec<String> = cols
        .iter()
        .map(|c| serde_json::Value::from(c.as_str()).to_string())
        .collect();
    out.write_all(b"[")?;
    for (n, r) in rows.iter().enumerate() {
        out.write_all(if n == 0 { b"\n  {" } else { b",\n  {" })?;
        for (i, (k, v)) in keys.iter().zip(r).enumerate() {
            if i > 0 {
                out.write_all(b", ")?;
            }
            let j = match v {
                Cell::Null => serde_json::Value::Null,
                Cell::Int(x) => serde_json::Value::from(*x),
                Cell::Real(x) => serde_json::Value::from(*x),
                Cell::Text(s) => serde_json::Value::from(s.as_str()),
            };
            write!(out, "{k}: {j}")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })
}

/// Writes rows in `fmt`.
pub fn write(
    out: &mut dyn Write,
    fmt: Format,
    cols: &[String],
    rows: &[Vec<Cell>],
) -> io::Result<()> {
    match fmt {
        Format::Table => table(out, cols, rows),
        Format::Csv => csv(out, cols, rows),
        Format::Json => json(out, cols, rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let cols = vec!["a".to_string(), "bb".to_string()];
        let rows = vec![
            vec![Cell::Int(1), Cell::Text("x,y".into())],
            vec![Cell::Int(22), Cell::Null],
        ];
        let mut o = Vec::new();
        csv(&mut o, &cols, &rows).unwrap();
        assert_eq!(String::from_utf8(o).unwrap(), "a,bb\n1,\"x,y\"\n22,\n");
        let mut o = Vec::new();
        table(&mut o, &cols, &rows).unwrap();
        assert_eq!(
            String::from_utf8(o).unwrap(),
            "a   bb\n--  ---\n 1  x,y\n22\n"
        );
        let mut o = Vec::new();
        json(&mut o, &cols, &rows[1..]).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&o),
            "[\n  {\"a\": 22, \"bb\": null}\n]\n"
        );
        let v: serde_json::Value = serde_json::from_slice(&o).unwrap();
        assert_eq!(v, serde_json::json!([{"a": 22, "bb": null}]));
        let mut o = Vec::new();
        json(&mut o, &cols, &[]).unwrap();
        assert_eq!(o, b"[]\n");
    }
}
