//! Reading a scenario file: TOML (spanned), checked key by key against the model's own types, applied as
//! overrides to the base scenario's serialised form, and deserialised into a `Scenario`.
//!
//! The format:
//!
//! ```toml
//! name = "my_scenario"             # default: the file name without .toml
//! description = "One line."
//! base = "historical"              # a built-in; default "historical"
//! [mechanisms]
//! trade = false                    # any of the 17 mechanisms of DESIGN §2
//! [params.communes]
//! effort_loss = 0.0                # any numeric parameter, within its range
//! [timeline]
//! procurement_follows_harvest = "1959-06"   # dates "YYYY-MM" within 1955-01 … 1966-12
//! anti_right_deviation = false
//! ```

use crate::builtins;
use crate::error::{ErrorKind, ScenarioError};
use crate::ranges::{period, range_of};
use crate::suggest::hint;
use leapsim_core::Month;
use leapsim_model::{Mechanisms, Scenario};
use serde_json::Value;
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Files larger than this are refused (a scenario file is a few hundred bytes).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

const TOP_LEVEL: [&str; 6] = ["name", "description", "base", "mechanisms", "params", "timeline"];

/// Built-ins may use other built-ins as their base; this bounds the chain.
const MAX_BASE_DEPTH: usize = 4;

/// Pairs of timeline dates that must not be in the reverse order.
const ORDERED_DATES: [(&str, &str); 11] = [
    ("leap_start", "beidaihe"),
    ("beidaihe", "cooling_start"),
    ("cooling_start", "cooling_end"),
    ("retreat_start", "sixty_articles"),
    ("sixty_articles", "team_accounting"),
    ("mess_halls_start", "free_eating_end"),
    ("free_eating_end", "mess_halls_end"),
    ("steel_campaign_start", "steel_campaign_end"),
    ("irrigation_start", "irrigation_end"),
    ("urban_return_start", "urban_return_end"),
    ("urban_rations_cut", "urban_rations_restored"),
];

/// A built-in name or a path to a scenario file (`--scenario`). A built-in name wins over a file of the
/// same name in the current directory (write `./NAME` for the file).
pub fn resolve(arg: &str) -> Result<Scenario, ScenarioError> {
    if builtins::BUILTIN_NAMES.contains(&arg) {
        return builtins::builtin(arg);
    }
    let path = Path::new(arg);
    let looks_like_path = arg.contains('/') || arg.contains('\\') || arg.ends_with(".toml");
    if looks_like_path || path.exists() {
        return load_path(path);
    }
    Err(ScenarioError::new(
        ErrorKind::UnknownScenario,
        arg,
        format!(
            "no built-in scenario or file of this name{}; built-in scenarios: {} (or give the path of a .toml file)",
            match crate::suggest::closest(arg, builtins::BUILTIN_NAMES) {
                Some(c) => format!(" (did you mean \"{c}\"?)"),
                None => String::new(),
            },
            builtins::BUILTIN_NAMES.join(", ")
        ),
    ))
}

/// Reads and validates the scenario file at `path`. Without a `name`, the scenario is named after the file.
pub fn load_path(path: &Path) -> Result<Scenario, ScenarioError> {
    let origin = path.display().to_string();
    let io = |e: std::io::Error| {
        let text = e.to_string();
        let text = text.split(" (os error").next().unwrap_or(&text).to_string();
        ScenarioError::new(ErrorKind::Io, &origin, format!("cannot read the scenario file: {text}"))
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(ScenarioError::new(ErrorKind::Io, &origin, "is a directory, not a scenario file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ScenarioError::new(
            ErrorKind::Io,
            &origin,
            format!("{} bytes is too large for a scenario file (at most {MAX_FILE_BYTES})", meta.len()),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ScenarioError::new(ErrorKind::Io, &origin, "is not UTF-8 text (TOML files are UTF-8)"))?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario");
    parse(&origin, &text, Some(stem), 0, false)
}

/// Parses and validates scenario-file `text`; `origin` names it in errors. Without a `name` key the
/// scenario is called `custom`.
pub fn parse_str(origin: &str, text: &str) -> Result<Scenario, ScenarioError> {
    parse(origin, text, None, 0, false)
}

/// The parser behind the public functions. `builtin`: the text is one of the embedded files (which may use
/// the names of built-ins).
pub(crate) fn parse(
    origin: &str,
    text: &str,
    default_name: Option<&str>,
    depth: usize,
    builtin: bool,
) -> Result<Scenario, ScenarioError> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError::new(ErrorKind::Io, origin, "too large for a scenario file"));
    }
    let doc = DeTable::parse(text).map_err(|e| {
        let message = e.message().lines().next().unwrap_or("invalid TOML").trim().to_string();
        let offset = e.span().map_or(0, |s| s.start);
        ScenarioError::at(ErrorKind::Syntax, origin, text, offset, format!("invalid TOML: {message}"))
    })?;
    let cx = Cx { origin, text };
    let top = doc.get_ref();
    for (key, _) in top.iter() {
        if !TOP_LEVEL.contains(&key.get_ref().as_ref()) {
            return Err(cx.err(
                ErrorKind::UnknownField,
                key.span().start,
                format!("unknown key \"{}\"{}", key.get_ref(), hint(key.get_ref(), &TOP_LEVEL)),
            ));
        }
    }

    // The base scenario.
    let base = match top.get("base") {
        None => Scenario::historical(),
        Some(v) => {
            let name = cx.string(v, "base")?;
            if !builtins::BUILTIN_NAMES.contains(&name) {
                return Err(cx.err(
                    ErrorKind::UnknownBase,
                    v.span().start,
                    format!(
                        "unknown base scenario \"{name}\"{}",
                        hint(name, &builtins::BUILTIN_NAMES).replace("expected one of", "built-in scenarios")
                    ),
                ));
            }
            if depth >= MAX_BASE_DEPTH {
                return Err(cx.err(ErrorKind::Invalid, v.span().start, "built-in bases nest too deep"));
            }
            builtins::builtin_at_depth(name, depth + 1)?
        }
    };
    let mut json = serde_json::to_value(&base).map_err(|e| cx.plain(ErrorKind::Invalid, e.to_string()))?;
    // The shape of the parameters with every optional lever present, to know each field's type.
    let shape = shape();

    if let Some(v) = top.get("mechanisms") {
        let table = cx.table(v, "mechanisms")?;
        for (key, value) in table.iter() {
            let k = key.get_ref().as_ref();
            if !Mechanisms::NAMES.contains(&k) {
                return Err(cx.err(
                    ErrorKind::UnknownMechanism,
                    key.span().start,
                    format!("unknown mechanism \"{k}\"{}", hint(k, &Mechanisms::NAMES)),
                ));
            }
            let b = cx.bool(value, &format!("mechanisms.{k}"))?;
            json["mechanisms"][k] = Value::Bool(b);
        }
    }

    if let Some(v) = top.get("params") {
        let table = cx.table(v, "params")?;
        let groups: Vec<&str> = shape["params"]
            .as_object()
            .map(|o| o.keys().map(String::as_str).filter(|g| *g != "timeline").collect())
            .unwrap_or_default();
        for (gkey, gvalue) in table.iter() {
            let g = gkey.get_ref().as_ref();
            if g == "timeline" {
                return Err(cx.err(
                    ErrorKind::UnknownField,
                    gkey.span().start,
                    "timeline dates go in a top-level [timeline] table, not in [params.timeline]",
                ));
            }
            if !groups.contains(&g) {
                return Err(cx.err(
                    ErrorKind::UnknownField,
                    gkey.span().start,
                    format!("unknown parameter group \"params.{g}\"{}", hint(g, &groups)),
                ));
            }
            let fields = cx.table(gvalue, &format!("params.{g}"))?;
            let known = &shape["params"][g];
            for (fkey, fvalue) in fields.iter() {
                let f = fkey.get_ref().as_ref();
                let path = format!("{g}.{f}");
                let Some(kind) = known.get(f) else {
                    let names: Vec<&str> =
                        known.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
                    let elsewhere = groups.iter().find(|other| shape["params"][**other].get(f).is_some());
                    let h = match elsewhere {
                        Some(other) => format!("; did you mean [params.{other}] {f}?"),
                        None => hint(f, &names),
                    };
                    return Err(cx.err(
                        ErrorKind::UnknownField,
                        fkey.span().start,
                        format!("unknown parameter \"params.{path}\"{h}"),
                    ));
                };
                json["params"][g][f] = cx.number(fvalue, &format!("params.{path}"), &path, kind)?;
            }
        }
    }

    let mut dates_set: Vec<(&str, usize)> = Vec::new();
    if let Some(v) = top.get("timeline") {
        let table = cx.table(v, "timeline")?;
        let known = &shape["params"]["timeline"];
        let names: Vec<&str> = known.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        for (key, value) in table.iter() {
            let k = key.get_ref().as_ref();
            let Some(kind) = known.get(k) else {
                return Err(cx.err(
                    ErrorKind::UnknownField,
                    key.span().start,
                    format!("unknown timeline field \"timeline.{k}\"{}", hint(k, &names)),
                ));
            };
            let field = format!("timeline.{k}");
            json["params"]["timeline"][k] = if kind.is_boolean() {
                Value::Bool(cx.bool(value, &field)?)
            } else {
                let m = cx.month(value, &field)?;
                dates_set.push((names.iter().find(|n| **n == k).copied().unwrap_or("timeline"), value.span().start));
                Value::String(m.to_string())
            };
        }
    }

    // Name and description.
    let name = match top.get("name") {
        Some(v) => {
            let n = cx.string(v, "name")?.trim().to_string();
            check_name(&cx, &n, v.span().start, builtin)?;
            n
        }
        None => {
            let n = default_name.unwrap_or("custom").to_string();
            if !builtin && builtins::BUILTIN_NAMES.contains(&n.as_str()) {
                return Err(cx.plain(
                    ErrorKind::Invalid,
                    format!("the file would be named \"{n}\", the name of a built-in scenario; add name = \"…\""),
                ));
            }
            n
        }
    };
    json["name"] = Value::String(name);
    json["description"] = match top.get("description") {
        Some(v) => Value::String(cx.string(v, "description")?.trim().to_string()),
        None => Value::String(format!("{} with the overrides of {origin}", base.name)),
    };

    let scenario: Scenario = serde_json::from_value(json)
        .map_err(|e| cx.plain(ErrorKind::Invalid, format!("cannot build the scenario: {e}")))?;
    check_timeline_order(&cx, &scenario, &dates_set)?;
    Ok(scenario)
}

fn check_name(cx: &Cx, name: &str, offset: usize, builtin: bool) -> Result<(), ScenarioError> {
    let ok_chars = name.chars().all(|c| c.is_alphanumeric() || "_-.+".contains(c));
    if name.is_empty() || name.chars().count() > 64 || !ok_chars {
        return Err(cx.err(
            ErrorKind::Invalid,
            offset,
            "name must be 1–64 letters, digits or _ - . + (it names outputs and manifests)",
        ));
    }
    if !builtin && builtins::BUILTIN_NAMES.contains(&name) {
        return Err(cx.err(
            ErrorKind::Invalid,
            offset,
            format!("\"{name}\" is the name of a built-in scenario; choose another name for this file"),
        ));
    }
    Ok(())
}

fn check_timeline_order(cx: &Cx, sc: &Scenario, set: &[(&str, usize)]) -> Result<(), ScenarioError> {
    let tl = serde_json::to_value(&sc.params.timeline).unwrap_or(Value::Null);
    for (a, b) in ORDERED_DATES {
        let (Some(ma), Some(mb)) = (tl[a].as_str().and_then(Month::parse), tl[b].as_str().and_then(Month::parse))
        else {
            continue;
        };
        if ma > mb {
            let message = format!("timeline.{a} ({ma}) is after timeline.{b} ({mb}); move one of them");
            // Point at whichever of the two the file set (the later-set one if both).
            return Err(match set.iter().rev().find(|(k, _)| *k == a || *k == b) {
                Some(&(_, offset)) => cx.err(ErrorKind::Invalid, offset, message),
                None => cx.plain(ErrorKind::Invalid, message),
            });
        }
    }
    Ok(())
}

/// The serialised parameters with every optional timeline lever set, so that every field is present.
fn shape() -> Value {
    let mut s = Scenario::historical();
    if s.params.timeline.procurement_follows_harvest.is_none() {
        s.params.timeline.procurement_follows_harvest = Some(s.params.timeline.leap_start);
    }
    if s.params.timeline.exports_end.is_none() {
        s.params.timeline.exports_end = Some(s.params.timeline.leap_start);
    }
    serde_json::to_value(&s).unwrap_or(Value::Null)
}

/// The file being read, for positioned errors.
struct Cx<'a> {
    origin: &'a str,
    text: &'a str,
}

type Item<'i> = Spanned<DeValue<'i>>;

impl Cx<'_> {
    fn err(&self, kind: ErrorKind, offset: usize, message: impl Into<String>) -> ScenarioError {
        ScenarioError::at(kind, self.origin, self.text, offset, message)
    }

    fn plain(&self, kind: ErrorKind, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(kind, self.origin, message)
    }

    fn wrong_type(&self, v: &Item, field: &str, expected: &str) -> ScenarioError {
        let found = match v.get_ref() {
            DeValue::String(_) => "a string",
            DeValue::Integer(_) => "an integer",
            DeValue::Float(_) => "a float",
            DeValue::Boolean(_) => "a boolean",
            DeValue::Datetime(_) => "a date-time",
            DeValue::Array(_) => "an array",
            DeValue::Table(_) => "a table",
        };
        self.err(ErrorKind::WrongType, v.span().start, format!("{field} must be {expected}, found {found}"))
    }

    fn table<'a, 'i>(&self, v: &'a Item<'i>, field: &str) -> Result<&'a DeTable<'i>, ScenarioError> {
        v.get_ref().as_table().ok_or_else(|| self.wrong_type(v, field, "a table"))
    }

    fn string<'a>(&self, v: &'a Item, field: &str) -> Result<&'a str, ScenarioError> {
        v.get_ref().as_str().ok_or_else(|| self.wrong_type(v, field, "a string"))
    }

    fn bool(&self, v: &Item, field: &str) -> Result<bool, ScenarioError> {
        v.get_ref().as_bool().ok_or_else(|| self.wrong_type(v, field, "true or false"))
    }

    fn month(&self, v: &Item, field: &str) -> Result<Month, ScenarioError> {
        let expected = "a month \"YYYY-MM\" (quoted), e.g. \"1959-06\"";
        let s = v.get_ref().as_str().ok_or_else(|| self.wrong_type(v, field, expected))?;
        let m = Month::parse(s).ok_or_else(|| {
            self.err(ErrorKind::WrongType, v.span().start, format!("{field} = \"{s}\" is not {expected}"))
        })?;
        let (first, last) = period();
        if m < first || m > last {
            return Err(self.err(
                ErrorKind::DateOutsidePeriod,
                v.span().start,
                format!("{field} = \"{m}\" is outside the simulated period {first} … {last}"),
            ));
        }
        Ok(m)
    }

    /// A numeric parameter: `kind` is its default value (float or integer), `path` its `group.field`.
    fn number(&self, v: &Item, field: &str, path: &str, kind: &Value) -> Result<Value, ScenarioError> {
        let integer_field = kind.is_u64() || kind.is_i64();
        let x = match v.get_ref() {
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                let parsed = i64::from_str_radix(digits.trim_start_matches('+'), i.radix()).ok();
                parsed.map(|n| n as f64)
            }
            DeValue::Float(f) if !integer_field => {
                let t = f.as_str().replace('_', "");
                t.parse::<f64>().ok()
            }
            DeValue::Float(_) => return Err(self.wrong_type(v, field, "an integer")),
            _ => return Err(self.wrong_type(v, field, if integer_field { "an integer" } else { "a number" })),
        };
        let Some(x) = x.filter(|x| x.is_finite()) else {
            return Err(self.err(ErrorKind::WrongType, v.span().start, format!("{field} must be a finite number")));
        };
        match range_of(path) {
            Some((lo, hi)) if !(lo..=hi).contains(&x) => {
                return Err(self.err(
                    ErrorKind::OutOfRange,
                    v.span().start,
                    format!("{field} = {x} is outside its plausible range {lo} … {hi}"),
                ))
            }
            Some(_) => {}
            None => {
                return Err(self.err(
                    ErrorKind::Invalid,
                    v.span().start,
                    format!("{field} has no known range (leapsim-scenario RANGES) and cannot be overridden"),
                ))
            }
        }
        Ok(if integer_field { Value::from(x as u64) } else { Value::from(x) })
    }
}
