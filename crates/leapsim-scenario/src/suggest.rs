//! "Did you mean …?" for misspelt names.

/// The candidate closest to `word` by edit distance, if it is close enough to be a plausible typo
/// (at most a third of the word's length, at least 2 edits allowed), or if one contains the other.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(&w, &c.to_lowercase());
        let contains = w.len() >= 3 && (c.contains(w.as_str()) || w.contains(c));
        let limit = (w.chars().count() / 3).max(2);
        if (d <= limit || contains) && !matches!(best, Some((bd, _)) if bd <= d) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `; did you mean "x"?` or `; expected one of a, b, c` (short lists) or nothing.
pub fn hint(word: &str, candidates: &[&str]) -> String {
    match closest(word, candidates.iter().copied()) {
        Some(c) => format!("; did you mean \"{c}\"?"),
        None if candidates.len() <= 20 => format!("; expected one of: {}", candidates.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["effort_loss", "effort_recovered", "private_plot_food_share"];
        assert_eq!(closest("efort_loss", names), Some("effort_loss"));
        assert_eq!(closest("Effort_Loss", names), Some("effort_loss"));
        assert_eq!(closest("private_plot", names), Some("private_plot_food_share"));
        assert_eq!(closest("zzz", names), None);
        assert!(hint("zzz", &names).contains("expected one of"));
    }
}
