//! `hatoba taskdef complete|hover` and `hatoba workflow complete|hover`: the editor's
//! completion and hover at a line and column of a file, for editors and scripts that call a
//! command (a file of `-` is read from standard input, an unsaved buffer).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hatoba_core::assist::{self, Language};
use hatoba_core::source::{Pos, byte_of, pos_of};

/// Where to ask, and how to print the answer.
#[derive(Debug, clap::Args)]
pub struct AssistArgs {
    /// The file (`-`: standard input).
    pub file: PathBuf,
    /// The place: LINE:COLUMN, both from 1, columns in characters.
    #[arg(long, value_parser = parse_place)]
    pub at: Pos,
    /// `text`: a line each; `json`: one object.
    #[arg(long, value_enum, default_value_t = AssistFormat::Text)]
    pub format: AssistFormat,
}

/// How an answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AssistFormat {
    /// For people: a completion a line (`label  detail`), or hover's title, facts, about and
    /// link a line each.
    Text,
    /// One JSON object with the range replaced (`from`, `to`: line and column) and the options,
    /// or the hover's fields (`null` when nothing is known there).
    Json,
}

fn parse_place(text: &str) -> Result<Pos, String> {
    let expected = || format!("`{text}`: expected LINE:COLUMN, both numbers from 1 (e.g. 12:7)");
    let (line, column) = text.split_once(':').ok_or_else(expected)?;
    match (line.trim().parse::<u32>(), column.trim().parse::<u32>()) {
        (Ok(line), Ok(column)) if line > 0 && column > 0 => Ok(Pos { line, column }),
        _ => Err(expected()),
    }
}

/// The root of the repository that holds `start` (the nearest directory above it with `.git`),
/// or `start`'s own directory when there is none.
pub fn repository_root(start: &Path) -> PathBuf {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let from = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent().unwrap_or(&absolute)
    };
    from.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(from)
        .to_path_buf()
}

/// The text of a file of the repository at `root` (a path relative to it, inside it), up to
/// 1 MB: what completion reads of other files.
pub fn repository_file(root: &Path, path: &str) -> Option<String> {
    if path.is_empty() || path.contains("..") || Path::new(path).is_absolute() {
        return None;
    }
    let file = root.join(path);
    if std::fs::metadata(&file).ok()?.len() > 1_000_000 {
        return None;
    }
    std::fs::read_to_string(file).ok()
}

fn read(file: &Path) -> std::io::Result<String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    std::fs::read_to_string(file)
}

/// The byte offset of a place, or why it is not in the text.
fn offset(text: &str, pos: Pos) -> Result<usize, String> {
    byte_of(text, pos).ok_or_else(|| match pos.line as usize > text.split('\n').count() {
        true => format!(
            "line {} is past the end (the text has fewer lines)",
            pos.line
        ),
        false => format!("column {} is past the end of line {}", pos.column, pos.line),
    })
}

/// Runs `complete` (or `hover`) for `language`; `name` is the command, for messages.
pub fn run(language: Language, hover: bool, args: AssistArgs, name: &str) -> ExitCode {
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("hatoba {name}: {}: {e}", args.file.display());
        ExitCode::from(2)
    };
    let text = match read(&args.file) {
        Ok(text) => text,
        Err(e) => return fail(&e),
    };
    let at = match offset(&text, args.at) {
        Ok(at) => at,
        Err(e) => return fail(&e),
    };
    let mut out = std::io::stdout().lock();
    let written = if hover {
        print_hover(
            &mut out,
            &text,
            assist::hover(language, &text, at),
            args.format,
        )
    } else {
        print_completions(
            &mut out,
            &text,
            assist::complete(language, &text, at),
            args.format,
        )
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn print_completions(
    out: &mut impl Write,
    text: &str,
    c: assist::Completions,
    format: AssistFormat,
) -> std::io::Result<()> {
    match format {
        AssistFormat::Text => {
            for o in &c.options {
                match o.detail.is_empty() {
                    true => writeln!(out, "{}", o.label)?,
                    false => writeln!(out, "{}  {}", o.label, o.detail)?,
                }
            }
            Ok(())
        }
        AssistFormat::Json => {
            let json = serde_json::json!({
                "from": pos_of(text, c.from),
                "to": pos_of(text, c.to),
                "options": c.options,
            });
            writeln!(out, "{json}")
        }
    }
}

fn print_hover(
    out: &mut impl Write,
    text: &str,
    h: Option<assist::Hover>,
    format: AssistFormat,
) -> std::io::Result<()> {
    match (format, h) {
        (AssistFormat::Text, None) => Ok(()),
        (AssistFormat::Text, Some(h)) => {
            writeln!(out, "{}", h.title)?;
            for fact in &h.facts {
                writeln!(out, "  {fact}")?;
            }
            if let Some(about) = h.about {
                writeln!(out, "{about}")?;
            }
            if let Some(link) = &h.link {
                writeln!(out, "{link}")?;
            }
            Ok(())
        }
        (AssistFormat::Json, None) => writeln!(out, "null"),
        (AssistFormat::Json, Some(h)) => {
            let json = serde_json::json!({
                "from": pos_of(text, h.from),
                "to": pos_of(text, h.to),
                "title": h.title,
                "facts": h.facts,
                "about": h.about,
                "link": h.link,
            });
            writeln!(out, "{json}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_and_give_back_offsets() {
        let text = "ab\néc\n";
        assert_eq!(offset(text, Pos { line: 2, column: 2 }), Ok(5));
        assert_eq!(offset(text, Pos { line: 2, column: 3 }), Ok(6));
        assert_eq!(pos_of(text, 5), Pos { line: 2, column: 2 });
        assert!(
            offset(text, Pos { line: 2, column: 4 })
                .unwrap_err()
                .contains("column 4")
        );
        assert!(
            offset(text, Pos { line: 4, column: 1 })
                .unwrap_err()
                .contains("line 4")
        );
        assert!(parse_place("3").unwrap_err().contains("LINE:COLUMN"));
        assert!(parse_place("0:1").is_err());
    }
}
