//! Monthly calendar. A [`Month`] is a count of months since January 1850, so that every person alive
//! in 1955 has a representable birth month and ages are a subtraction.

use std::fmt;

/// A calendar month, stored as months since January 1850.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub u16);

impl Month {
    pub const EPOCH_YEAR: i32 = 1850;

    /// `month` is 1..=12. Returns `None` outside 1850-01 ..= 7311-12 or for a bad month number.
    pub fn from_ym(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || year < Self::EPOCH_YEAR {
            return None;
        }
        let idx = (year - Self::EPOCH_YEAR) as i64 * 12 + (month as i64 - 1);
        u16::try_from(idx).ok().map(Month)
    }

    pub fn year(self) -> i32 {
        Self::EPOCH_YEAR + (self.0 / 12) as i32
    }

    /// 1..=12
    pub fn month_of_year(self) -> u32 {
        (self.0 % 12) as u32 + 1
    }

    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    /// Whole months from `earlier` to `self` (saturating at zero).
    pub fn months_since(self, earlier: Month) -> u32 {
        self.0.saturating_sub(earlier.0) as u32
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Month::from_ym(y.parse().ok()?, m.parse().ok()?)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month_of_year())
    }
}

/// An inclusive range of months a run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: Month,
    pub last: Month,
}

impl Period {
    /// January 1955 to December 1966, the default of DESIGN §3.
    pub fn default_run() -> Period {
        Period { first: Month::from_ym(1955, 1).unwrap(), last: Month::from_ym(1966, 12).unwrap() }
    }

    pub fn len(&self) -> usize {
        (self.last.0 - self.first.0) as usize + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn months(&self) -> impl Iterator<Item = Month> {
        (self.first.0..=self.last.0).map(Month)
    }

    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.first.year()..=self.last.year()
    }
}

/// Months serialise as `"YYYY-MM"` (scenario files, JSON).
impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        Month::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{text:?} is not a month: expected \"YYYY-MM\", e.g. \"1959-07\""))
        })
    }
}

/// In JSON Schema a month is a `"YYYY-MM"` string (scenario files).
impl schemars::JsonSchema for Month {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Month".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
            "description": "A calendar month, \"YYYY-MM\"."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_year_and_month() {
        let m = Month::from_ym(1959, 7).unwrap();
        assert_eq!((m.year(), m.month_of_year()), (1959, 7));
        assert_eq!(m.to_string(), "1959-07");
        assert_eq!(Month::parse("1959-07"), Some(m));
        assert_eq!(m.next().to_string(), "1959-08");
        assert_eq!(Month::from_ym(1959, 12).unwrap().next().to_string(), "1960-01");
    }

    #[test]
    fn rejects_bad_text() {
        for s in ["1959-13", "1959-00", "59-07", "1959/07", "", "1849-12", "abcd-ef"] {
            assert_eq!(Month::parse(s), None, "{s}");
        }
    }

    #[test]
    fn default_period_has_144_months() {
        assert_eq!(Period::default_run().len(), 144);
    }
}
