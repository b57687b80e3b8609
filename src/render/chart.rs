//! Render stage: the build-time bar chart of articles per month.
//!
//! Plain inline SVG, no JavaScript: bars are links to the month pages, colours
//! come from the page's stylesheet (so dark mode applies), and every bar has a
//! `<title>`. The page also carries the same numbers as a table.

use std::fmt::Write;

/// One bar: a month and its number of articles.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub year: i32,
    pub month: u32,
    pub count: usize,
}

/// Every month from the first to the last of `months` (which may come in
/// any order), with zeros for months without articles.
pub fn fill_months(months: &[(i32, u32, usize)]) -> Vec<Bar> {
    let Some(first) = months.iter().map(|m| (m.0, m.1)).min() else {
        return Vec::new();
    };
    let last = months.iter().map(|m| (m.0, m.1)).max().unwrap_or(first);
    let mut bars = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let count = months
            .iter()
            .filter(|x| x.0 == y && x.1 == m)
            .map(|x| x.2)
            .sum();
        bars.push(Bar {
            year: y,
            month: m,
            count,
        });
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    bars
}

/// The SVG of a chart. `root` prefixes month page links; `label` is the
/// accessible name; `year_labels` puts years (else month numbers) under bars.
pub fn svg(bars: &[Bar], root: &str, label: &str, year_labels: bool) -> String {
    const H: usize = 120;
    const TOP: usize = 14;
    const AXIS: usize = 16;
    let bar_w = if bars.len() > 60 {
        6
    } else if bars.len() > 24 {
        10
    } else {
        28
    };
    let gap = if bar_w > 10 { 6 } else { 2 };
    let width = bars.len().max(1) * (bar_w + gap) + 30;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let mut s = String::new();
    let esc = |t: &str| html_escape::encode_text(t).into_owned();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMid meet">"#,
        H + TOP + AXIS,
        html_escape::encode_double_quoted_attribute(label)
    );
    let _ = write!(s, r#"<text class="chart-max" x="0" y="10">{max}</text>"#);
    let _ = write!(
        s,
        r#"<line class="chart-axis" x1="28" y1="{0}" x2="{width}" y2="{0}"/>"#,
        H + TOP
    );
    for (k, b) in bars.iter().enumerate() {
        let x = 30 + k * (bar_w + gap);
        let h = if b.count == 0 {
            0
        } else {
            (b.count * H / max).max(2)
        };
        let y = TOP + H - h;
        let title = esc(&format!("{:04}-{:02}: {}", b.year, b.month, b.count));
        if b.count > 0 {
            let _ = write!(
                s,
                r#"<a href="{root}{:04}/{:02}/index.html"><rect class="chart-bar" x="{x}" y="{y}" width="{bar_w}" height="{h}"><title>{title}</title></rect></a>"#,
                b.year, b.month
            );
        }
        let label = if year_labels {
            (b.month == 1 || k == 0).then(|| b.year.to_string())
        } else {
            Some(b.month.to_string())
        };
        if let Some(l) = label {
            let _ = write!(
                s,
                r#"<text class="chart-label" x="{x}" y="{}">{l}</text>"#,
                H + TOP + AXIS - 3
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_between_months_are_filled_with_zeros() {
        let bars = fill_months(&[(2021, 11, 2), (2022, 2, 1), (2021, 11, 1)]);
        let shown: Vec<(i32, u32, usize)> =
            bars.iter().map(|b| (b.year, b.month, b.count)).collect();
        assert_eq!(
            shown,
            vec![(2021, 11, 3), (2021, 12, 0), (2022, 1, 0), (2022, 2, 1)]
        );
    }

    #[test]
    fn bars_link_to_month_pages_and_carry_their_numbers() {
        let svg = svg(
            &fill_months(&[(2021, 9, 4), (2021, 11, 2)]),
            "../",
            "每月文章数",
            false,
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains(r#"<a href="../2021/09/index.html"><rect class="chart-bar""#));
        assert!(svg.contains("<title>2021-09: 4</title>"));
        assert!(svg.contains("<title>2021-11: 2</title>"));
        assert!(
            !svg.contains("2021/10/index.html"),
            "empty months are not links"
        );
        assert!(!svg.contains("style="));
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
