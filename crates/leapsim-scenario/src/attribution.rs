//! Attribution of the famine's excess deaths to mechanisms: the coalitions of `leapsim attribute` and the
//! exact Shapley arithmetic.
//!
//! The players are groups of mechanisms. Coalition S is `no_leap` with the mechanisms of the groups in S
//! switched on (the others keep the 1957 course); the empty coalition is `no_leap`, the grand coalition is
//! `historical`, so the Shapley values add up to deaths(historical) − deaths(no_leap) (efficiency). The
//! arithmetic is exact: values are whole numbers of deaths, the Shapley weights |S|!(k−|S|−1)! are
//! integers, and k!·φᵢ is computed in `i128`; only the final division by k! is in floating point.
//!
//! `retrenchment` is the end of the Leap, not a cause: unless a group names it, it is on in every non-empty
//! coalition, so that whatever part of the Leap a coalition contains ends when the historical Leap ended
//! (switched off, "the Leap's institutions are never reversed"). Its own small effect on top of `no_leap`
//! is thereby shared among the groups.

use crate::error::{ErrorKind, ScenarioError};
use crate::suggest::hint;
use leapsim_model::{Mechanisms, Scenario};

/// A player of the attribution game: a name and its mechanisms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub mechanisms: Vec<String>,
}

/// At most this many groups (2^12 coalitions).
pub const MAX_GROUPS: usize = 12;

/// The default groups (8, 256 coalitions), following the causal accounts of the literature: Lin's exit
/// right (communes), the mess halls, Li & Yang's resource diversion (labour, furnaces, heavy industry), the
/// farming directives, the Patriotic Health campaigns (four pests, public health), procurement (Meng, Qian
/// & Yared), exports (Kasahara & Li), and the politics of pressure and false reports.
pub const DEFAULT_GROUPS: &str = "communes,mess_halls,diversion=labor_mobilization+backyard_steel+industry,\
agronomy,health=four_pests+public_health,procurement,exports=trade,politics=politics+reporting";

/// Mechanisms on in `historical` and off in `no_leap`: the Leap's.
pub fn leap_mechanisms() -> Vec<&'static str> {
    let (h, n) = (Mechanisms::all(), Mechanisms::pre_leap());
    Mechanisms::NAMES.iter().copied().filter(|m| h.get(m) == Some(true) && n.get(m) == Some(false)).collect()
}

/// Parses `a,b,name=c+d` into groups. Leap mechanisms that no group names (other than `retrenchment`) are
/// added as a group `other`, so that the grand coalition is `historical`.
pub fn parse_groups(spec: &str) -> Result<Vec<Group>, ScenarioError> {
    let err = |m: String| ScenarioError::new(ErrorKind::Invalid, "--mechanisms", m);
    let mut groups: Vec<Group> = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, members) = match item.split_once('=') {
            Some((n, m)) => (n.trim().to_string(), m.split('+').map(|s| s.trim().to_string()).collect::<Vec<_>>()),
            None => (item.to_string(), vec![item.to_string()]),
        };
        if name.is_empty() || members.iter().any(String::is_empty) {
            return Err(err(format!("\"{item}\" is not a group: write a mechanism or name=mech+mech")));
        }
        for m in &members {
            if !Mechanisms::NAMES.contains(&m.as_str()) {
                return Err(ScenarioError::new(
                    ErrorKind::UnknownMechanism,
                    "--mechanisms",
                    format!("unknown mechanism \"{m}\"{}", hint(m, &Mechanisms::NAMES)),
                ));
            }
            if groups.iter().any(|g| g.mechanisms.contains(m)) || members.iter().filter(|x| *x == m).count() > 1 {
                return Err(err(format!("mechanism \"{m}\" is in two groups")));
            }
        }
        if groups.iter().any(|g| g.name == name) {
            return Err(err(format!("two groups are called \"{name}\"")));
        }
        groups.push(Group { name, mechanisms: members });
    }
    if groups.is_empty() {
        return Err(err("no groups given".into()));
    }
    let named = |m: &str| groups.iter().any(|g| g.mechanisms.iter().any(|x| x == m));
    let rest: Vec<String> =
        leap_mechanisms().into_iter().filter(|m| *m != "retrenchment" && !named(m)).map(String::from).collect();
    if !rest.is_empty() {
        if groups.iter().any(|g| g.name == "other") {
            return Err(err(format!("a group is called \"other\" but {} are in no group", rest.join(", "))));
        }
        groups.push(Group { name: "other".into(), mechanisms: rest });
    }
    if groups.len() > MAX_GROUPS {
        return Err(err(format!(
            "{} groups make 2^{} coalitions; at most {MAX_GROUPS} groups (join mechanisms with name=a+b)",
            groups.len(),
            groups.len()
        )));
    }
    Ok(groups)
}

/// The scenario of coalition `mask` (bit i: group i is in).
pub fn coalition(groups: &[Group], mask: u32) -> Scenario {
    let mut sc = Scenario::no_leap();
    let in_any = |m: &str| groups.iter().any(|g| g.mechanisms.iter().any(|x| x == m));
    for (i, g) in groups.iter().enumerate() {
        let on = mask & (1 << i) != 0;
        for m in &g.mechanisms {
            if let Some(b) = sc.mechanisms.get_mut(m) {
                *b = on;
            }
        }
    }
    if !in_any("retrenchment") {
        sc.mechanisms.retrenchment = mask != 0;
    }
    let members: Vec<&str> =
        groups.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, g)| g.name.as_str()).collect();
    sc.name = format!("coalition_{mask}");
    sc.description = format!("no_leap with {{{}}} switched on", members.join(", "));
    sc
}

/// k!·φᵢ for every player, exactly, from the values of all 2^k coalitions (`values[mask]`).
pub fn shapley_scaled(values: &[i128]) -> Vec<i128> {
    let n = values.len();
    let k = n.trailing_zeros() as usize;
    assert_eq!(1usize << k, n, "one value per coalition");
    let fact = |x: usize| (1..=x as i128).product::<i128>();
    let weight: Vec<i128> = (0..k).map(|s| fact(s) * fact(k - s - 1)).collect();
    (0..k)
        .map(|i| {
            let bit = 1usize << i;
            (0..n)
                .filter(|s| s & bit == 0)
                .map(|s| weight[s.count_ones() as usize] * (values[s | bit] - values[s]))
                .sum()
        })
        .collect()
}

/// k! for `k` players.
pub fn factorial(k: usize) -> i128 {
    (1..=k as i128).product()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_groups_cover_the_leap_in_eight_groups() {
        let g = parse_groups(DEFAULT_GROUPS).unwrap();
        assert_eq!(g.len(), 8);
        assert_eq!(
            coalition(&g, 0),
            Scenario { name: "coalition_0".into(), description: coalition(&g, 0).description, ..Scenario::no_leap() }
        );
        let full = coalition(&g, (1 << g.len()) - 1);
        assert_eq!(full.mechanisms, Mechanisms::all());
        assert_eq!(full.params, Scenario::historical().params);
    }

    #[test]
    fn unnamed_leap_mechanisms_form_the_group_other() {
        let g = parse_groups("policy=procurement+trade").unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[1].name, "other");
        assert!(!g[1].mechanisms.contains(&"retrenchment".to_string()));
        assert_eq!(coalition(&g, 3).mechanisms, Mechanisms::all());
        assert!(parse_groups("comunes").unwrap_err().message.contains("did you mean \"communes\""));
        assert!(parse_groups("trade,x=trade+politics").is_err());
    }

    #[test]
    fn shapley_is_efficient_and_symmetric() {
        // v(S) for 3 players with interactions.
        let v: Vec<i128> = vec![0, 10, 20, 45, 7, 19, 30, 100];
        let phi = shapley_scaled(&v);
        assert_eq!(phi.iter().sum::<i128>(), factorial(3) * (v[7] - v[0]));
        // Additive game: φᵢ is the player's own effect.
        let add: Vec<i128> = (0..8).map(|s: i128| (s & 1) * 5 + ((s >> 1) & 1) * 7 + ((s >> 2) & 1) * 11).collect();
        assert_eq!(shapley_scaled(&add), vec![30, 42, 66]);
    }
}
