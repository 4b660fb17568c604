//! A small self-made SVG line chart: axes with "nice" ticks, a title, axis labels with units, a legend,
//! one `<path>` per series (gaps where a value is missing), optional point markers.
//!
//! No plotting dependency and no external fonts: text uses the generic `sans-serif` family, so every
//! browser and `rsvg-convert` render it. Axes, ticks and legend swatches are `<line>` elements, so the
//! only `<path>` elements are the series.
//!
//! ```
//! use leapsim_report::svg::{LineChart, Series};
//! let svg = LineChart::new("Grain output")
//!     .y_label("Mt")
//!     .series(Series::new("true", [(1958.0, Some(200.0)), (1959.0, Some(170.0))]))
//!     .to_svg();
//! assert!(svg.starts_with("<svg"));
//! ```

use std::fmt::Write as _;

/// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies).
pub const PALETTE: [&str; 6] = ["#0072B2", "#D55E00", "#000000", "#009E73", "#CC79A7", "#E69F00"];

/// One line: a label for the legend and `(x, y)` points; `None` (or a non-finite y) leaves a gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    label: String,
    points: Vec<(f64, Option<f64>)>,
    color: Option<String>,
    dash: Option<String>,
    markers: bool,
}

impl Series {
    /// A solid line without markers, coloured from [`PALETTE`] by its position unless [`Series::color`].
    pub fn new(label: impl Into<String>, points: impl IntoIterator<Item = (f64, Option<f64>)>) -> Self {
        Series { label: label.into(), points: points.into_iter().collect(), color: None, dash: None, markers: false }
    }

    /// Sets the colour (any SVG colour).
    pub fn color(mut self, color: impl Into<String>) -> Self {
        self.color = Some(color.into());
        self
    }

    /// Draws the line dashed (used for the historical record).
    pub fn dashed(self) -> Self {
        self.dash("6 4")
    }

    /// Draws the line with an SVG `stroke-dasharray` pattern, e.g. `"2 3"` for dots.
    pub fn dash(mut self, pattern: impl Into<String>) -> Self {
        self.dash = Some(pattern.into());
        self
    }

    /// Marks each point with a small circle.
    pub fn markers(mut self) -> Self {
        self.markers = true;
        self
    }

    fn finite_points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points.iter().filter_map(|&(x, y)| Some((x, y?))).filter(|(x, y)| x.is_finite() && y.is_finite())
    }
}

/// A line chart. Build with the methods, then [`LineChart::to_svg`], or [`stack`] several in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    title: String,
    x_label: String,
    y_label: String,
    width: f64,
    height: f64,
    include_zero: bool,
    series: Vec<Series>,
}

const FONT: f64 = 12.0;
/// Approximate advance of one character at [`FONT`] in a sans-serif face, px.
const CHAR_W: f64 = 6.8;

impl LineChart {
    /// An empty 760 × 420 chart with this title.
    pub fn new(title: impl Into<String>) -> Self {
        LineChart {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            width: 760.0,
            height: 420.0,
            include_zero: false,
            series: Vec::new(),
        }
    }

    /// The x-axis label (say the unit).
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// The y-axis label (say the unit).
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Size in px.
    pub fn size(mut self, width: f64, height: f64) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// Extends the y axis down (or up) to zero, so the lines' heights are proportional to the values.
    pub fn include_zero(mut self, yes: bool) -> Self {
        self.include_zero = yes;
        self
    }

    /// Adds a series.
    pub fn series(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// The chart as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        stack(std::slice::from_ref(self))
    }

    /// The longest legend label, in characters.
    fn legend_chars(&self) -> usize {
        self.series.iter().map(|s| s.label.chars().count()).max().unwrap_or(0)
    }

    /// Appends the chart as a `<g>` translated down by `top`, with room on the right for a legend of
    /// `legend_chars` characters (the same for every panel of a stack, so their x axes line up).
    fn render(&self, out: &mut String, top: f64, legend_chars: usize) {
        let legend_chars = legend_chars as f64;
        let (left, right_edge) = (70.0, self.width - (48.0 + CHAR_W * legend_chars).min(self.width * 0.45));
        let (plot_top, plot_bottom) = (44.0, self.height - 52.0);
        let (pw, ph) = (right_edge - left, plot_bottom - plot_top);

        let xs: Vec<f64> =
            self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).filter(|x| x.is_finite()).collect();
        let ys: Vec<f64> = self.series.iter().flat_map(|s| s.finite_points().map(|p| p.1)).collect();
        let (mut x0, mut x1) = min_max(&xs).unwrap_or((0.0, 1.0));
        if x1 <= x0 {
            x0 -= 0.5;
            x1 += 0.5;
        }
        let (mut y0, mut y1) = min_max(&ys).unwrap_or((0.0, 1.0));
        if self.include_zero {
            y0 = y0.min(0.0);
            y1 = y1.max(0.0);
        }
        if y1 <= y0 {
            let d = if y0 == 0.0 { 1.0 } else { y0.abs() * 0.1 };
            y0 -= d;
            y1 += d;
        }
        let y_ticks = nice_ticks(y0, y1, 6);
        let (y0, y1) = (y_ticks.first().copied().unwrap_or(y0).min(y0), y_ticks.last().copied().unwrap_or(y1).max(y1));
        // x: the data range exactly (years), ticks at nice steps inside it.
        let x_ticks: Vec<f64> = nice_ticks(x0, x1, ((pw / 55.0) as usize).max(2))
            .into_iter()
            .filter(|t| *t >= x0 - 1e-9 && *t <= x1 + 1e-9)
            .collect();
        let sx = |x: f64| left + (x - x0) / (x1 - x0) * pw;
        let sy = |y: f64| plot_bottom - (y - y0) / (y1 - y0) * ph;

        let _ = writeln!(out, "<g transform=\"translate(0,{})\">", num(top));
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>",
            num(self.width / 2.0),
            escape(&self.title)
        );
        // Grid and y ticks.
        let y_step = y_ticks.windows(2).map(|w| w[1] - w[0]).next().unwrap_or(1.0);
        for &t in &y_ticks {
            let y = sy(t);
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#dddddd\" stroke-width=\"1\"/>",
                num(left),
                num(right_edge),
                y = num(y)
            );
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#333333\"/>",
                num(left - 5.0),
                num(left),
                y = num(y)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"end\">{}</text>",
                num(left - 8.0),
                num(y + 4.0),
                tick_label(t, y_step)
            );
        }
        let x_step = x_ticks.windows(2).map(|w| w[1] - w[0]).next().unwrap_or(1.0);
        for &t in &x_ticks {
            let x = sx(t);
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#333333\"/>",
                num(plot_bottom),
                num(plot_bottom + 5.0),
                x = num(x)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"middle\">{}</text>",
                num(x),
                num(plot_bottom + 19.0),
                tick_label(t, x_step)
            );
        }
        // Axes.
        let _ = writeln!(
            out,
            "<line x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#333333\"/>\n<line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\" stroke=\"#333333\"/>",
            l = num(left),
            r = num(right_edge),
            t = num(plot_top),
            b = num(plot_bottom)
        );
        if !self.x_label.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"middle\">{}</text>",
                num(left + pw / 2.0),
                num(self.height - 12.0),
                escape(&self.x_label)
            );
        }
        if !self.y_label.is_empty() {
            let (x, y) = (18.0, plot_top + ph / 2.0);
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{y}\" font-size=\"{FONT}\" text-anchor=\"middle\" transform=\"rotate(-90 {x} {y})\">{}</text>",
                escape(&self.y_label),
                x = num(x),
                y = num(y)
            );
        }
        // Series and legend.
        for (i, s) in self.series.iter().enumerate() {
            let color = s.color.clone().unwrap_or_else(|| PALETTE[i % PALETTE.len()].to_string());
            let dash = s.dash.as_ref().map_or(String::new(), |d| format!(" stroke-dasharray=\"{}\"", escape(d)));
            let mut d = String::new();
            let mut pen_down = false;
            for &(x, y) in &s.points {
                match y.filter(|y| y.is_finite() && x.is_finite()) {
                    Some(y) => {
                        let _ = write!(
                            d,
                            "{}{} {}",
                            if d.is_empty() { "" } else { " " },
                            if pen_down { "L" } else { "M" },
                            num(sx(x))
                        );
                        let _ = write!(d, " {}", num(sy(y)));
                        pen_down = true;
                    }
                    None => pen_down = false,
                }
            }
            let _ = writeln!(
                out,
                "<path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-linejoin=\"round\"{dash}/>"
            );
            if s.markers {
                for (x, y) in s.finite_points() {
                    let _ =
                        writeln!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{color}\"/>", num(sx(x)), num(sy(y)));
                }
            }
            let (lx, ly) = (right_edge + 16.0, plot_top + 8.0 + 20.0 * i as f64);
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>",
                num(lx),
                num(lx + 24.0),
                y = num(ly)
            );
            if s.markers {
                let _ =
                    writeln!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{color}\"/>", num(lx + 12.0), num(ly));
            }
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\">{}</text>",
                num(lx + 30.0),
                num(ly + 4.0),
                escape(&s.label)
            );
        }
        out.push_str("</g>\n");
    }
}

/// Several charts one above the other in one SVG document (e.g. a quantity and a ratio). The width is
/// the widest chart's.
pub fn stack(charts: &[LineChart]) -> String {
    let width = charts.iter().map(|c| c.width).fold(0.0, f64::max);
    let height: f64 = charts.iter().map(|c| c.height).sum();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\">\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = num(width),
        h = num(height)
    );
    let legend_chars = charts.iter().map(LineChart::legend_chars).max().unwrap_or(0);
    let mut top = 0.0;
    for c in charts {
        c.render(&mut out, top, legend_chars);
        top += c.height;
    }
    out.push_str("</svg>\n");
    out
}

fn min_max(v: &[f64]) -> Option<(f64, f64)> {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
}

/// Tick positions covering `[lo, hi]` at a step of 1, 2 or 5 × 10^k, about `count` of them; the first
/// tick is at or below `lo` and the last at or above `hi`.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / count.max(2).saturating_sub(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| *s >= raw * 0.999).unwrap_or(10.0 * mag);
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    // Multiply rather than accumulate, so 0.1 steps do not drift.
    (first as i64..=last as i64).map(|k| k as f64 * step).collect()
}

/// A tick label with as many decimals as the step needs.
fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil().max(0.0) as usize };
    let text = format!("{v:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    }
}

/// A coordinate with at most two decimals (keeps files small and deterministic).
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Escapes text for SVG content and attributes.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that every element opened is closed in order (self-closing tags count as both), and
    /// returns the names of the elements in document order.
    fn balanced(svg: &str) -> Vec<String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let j = rest[i..].find('>').expect("unterminated tag") + i;
            let tag = &rest[i + 1..j];
            assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name.trim()), "mismatched </{name}>");
            } else {
                let name = tag.split_whitespace().next().unwrap().trim_end_matches('/').to_string();
                names.push(name.clone());
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &rest[j + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        names
    }

    fn chart() -> LineChart {
        LineChart::new("Grain output <1984 & true>")
            .x_label("year")
            .y_label("grain, Mt")
            .include_zero(true)
            .series(Series::new("simulated", (1955..=1966).map(|y| (y as f64, Some(180.0 + y as f64 - 1955.0)))))
            .series(
                Series::new(
                    "official, 1984 yearbook",
                    [(1958.0, Some(200.0)), (1959.0, None), (1960.0, Some(143.5)), (1961.0, Some(147.5))],
                )
                .dashed()
                .markers(),
            )
            .series(Series::new("empty", []))
    }

    #[test]
    fn svg_is_balanced_with_one_path_per_series_and_a_legend() {
        let svg = chart().to_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("font-family=\"sans-serif\""));
        let names = balanced(&svg);
        assert_eq!(names.iter().filter(|n| *n == "path").count(), 3);
        assert_eq!(svg.matches("<path").count(), 3);
        for label in ["simulated", "official, 1984 yearbook", "empty", "grain, Mt", "year"] {
            assert!(svg.contains(&format!(">{label}</text>")), "legend/axis label {label}");
        }
        assert!(svg.contains("Grain output &lt;1984 &amp; true&gt;"));
        // The gap at 1959 splits the record's line into two sub-paths.
        let record = svg.lines().filter(|l| l.starts_with("<path")).nth(1).unwrap();
        assert_eq!(record.matches('M').count(), 2, "{record}");
        // Year ticks are labelled without decimals; the y axis starts at 0.
        assert!(svg.contains(">1960</text>") && svg.contains(">0</text>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn stacked_panels_share_one_document() {
        let svg = stack(&[chart(), chart().size(760.0, 300.0)]);
        let names = balanced(&svg);
        assert_eq!(names.iter().filter(|n| *n == "svg").count(), 1);
        assert_eq!(svg.matches("<path").count(), 6);
        assert!(svg.contains("height=\"720\""));
    }

    #[test]
    fn nice_ticks_cover_the_range_with_round_steps() {
        assert_eq!(nice_ticks(0.0, 10.0, 6), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(143.5, 227.9, 6), vec![140.0, 160.0, 180.0, 200.0, 220.0, 240.0]);
        assert_eq!(nice_ticks(1955.0, 1966.0, 12), (1955..=1966).map(f64::from).collect::<Vec<_>>());
        let t = nice_ticks(0.26, 0.41, 6);
        assert_eq!(t.len(), 5, "{t:?}");
        assert!((t[0] - 0.25).abs() < 1e-12 && (t[4] - 0.45).abs() < 1e-12, "{t:?}");
        assert_eq!(tick_label(0.3, 0.05), "0.30");
        assert_eq!(tick_label(-0.0, 0.5), "0.0");
    }
}
