//! The printed reports' charts: bar charts drawn by plotters into SVG, inlined in the
//! page. The browser sets the text, so no font is read here and the SVG is the same on
//! every machine (golden files hold it).

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// One series of bars: its name in the legend, its colour, a value per category.
pub struct Series {
    pub name: String,
    pub colour: RGBColor,
    pub values: Vec<u32>,
}

/// The colours: met, late, breached, open — told apart in grey print too.
pub const GOOD: RGBColor = RGBColor(46, 125, 50);
pub const LATE: RGBColor = RGBColor(239, 170, 40);
pub const BAD: RGBColor = RGBColor(198, 40, 40);
pub const OPEN: RGBColor = RGBColor(150, 150, 150);
pub const PLAIN: RGBColor = RGBColor(55, 90, 160);

/// How wide a chart is drawn: across the page, or half of it (two side by side).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    Full,
    Half,
}

impl Width {
    fn size(self) -> (u32, u32) {
        match self {
            Width::Full => (680, 250),
            Width::Half => (335, 230),
        }
    }
}

const FONT: &str = "sans-serif";

/// Bars per category, the series stacked on one another; a legend when there is more
/// than one series. `caption` names the chart, `unit` the vertical axis.
pub fn bars(width: Width, caption: &str, unit: &str, categories: &[String], series: &[Series]) -> String {
    let mut svg = String::new();
    // Drawing into a string cannot fail but for a bug in the drawing; the page then
    // says the chart could not be drawn rather than leaving the reader a blank.
    if let Err(e) = draw(&mut svg, width.size(), caption, unit, categories, series) {
        return format!("<p>{}: {e}</p>", super::doc::html_text(caption));
    }
    svg
}

/// One plain bar per category: a count, a time.
pub fn counts(width: Width, caption: &str, unit: &str, categories: &[String], values: Vec<u32>) -> String {
    bars(width, caption, unit, categories, &[Series { name: String::new(), colour: PLAIN, values }])
}

fn draw(
    svg: &mut String,
    size: (u32, u32),
    caption: &str,
    unit: &str,
    categories: &[String],
    series: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    // An integer range segmented holds both its ends: `0..last` is one segment per category.
    let last = categories.len().saturating_sub(1) as u32;
    let tallest = (0..categories.len())
        .map(|i| series.iter().map(|s| s.values.get(i).copied().unwrap_or(0)).sum::<u32>())
        .max()
        .unwrap_or(0);
    // Room above the tallest bar (more under a legend, which sits in the upper right),
    // and at least a few steps so small counts read as whole numbers.
    let room = if series.len() > 1 { tallest / 2 } else { tallest / 8 };
    let top = (tallest + room + 1).max(4);
    // A bar leaves a fifth of its slot either side, at most 10 pixels: a month's 31
    // days still get bars.
    let slot = (size.0 - 60) / categories.len().max(1) as u32;
    let margin = (slot / 5).min(10);
    {
        let root = SVGBackend::with_string(svg, size).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, (FONT, 16))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d((0..last).into_segmented(), 0..top)?;
        let label = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(i) => categories.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            // Only the labelled lines: a light line per unit of a scale in minutes is a grey wash.
            .max_light_lines(1)
            .x_labels(categories.len().max(1))
            .x_label_formatter(&label)
            .y_labels(top.min(8) as usize)
            .y_desc(unit)
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 12))
            .draw()?;
        let mut below = vec![0u32; categories.len()];
        for s in series {
            let colour = s.colour;
            let bars: Vec<Rectangle<(SegmentValue<u32>, u32)>> = s
                .values
                .iter()
                .enumerate()
                .take(categories.len())
                .filter(|(_, v)| **v > 0)
                .map(|(i, v)| {
                    let (x0, x1) = (SegmentValue::Exact(i as u32), SegmentValue::Exact(i as u32 + 1));
                    let mut bar = Rectangle::new([(x0, below[i]), (x1, below[i] + v)], colour.filled());
                    bar.set_margin(0, 0, margin, margin);
                    below[i] += v;
                    bar
                })
                .collect();
            let drawn = chart.draw_series(bars)?;
            if series.len() > 1 {
                drawn
                    .label(s.name.as_str())
                    .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
            }
        }
        if series.len() > 1 {
            // Over the half whose bars are lower, so the legend covers none.
            let half = categories.len().div_ceil(2);
            let height = |i: usize| series.iter().map(|s| s.values.get(i).copied().unwrap_or(0)).sum::<u32>();
            let left = (0..half).map(height).max().unwrap_or(0);
            let right = (half..categories.len()).map(height).max().unwrap_or(0);
            let corner =
                if right > left { SeriesLabelPosition::UpperLeft } else { SeriesLabelPosition::UpperRight };
            chart
                .configure_series_labels()
                .position(corner)
                .label_font((FONT, 12))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()?;
        }
        root.present()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_its_categories_and_draws_a_bar_for_each_value() {
        let categories = vec!["攻击类".to_string(), "fault".to_string(), "<b>".to_string()];
        let series = [
            Series { name: "met".into(), colour: GOOD, values: vec![3, 0, 1] },
            Series { name: "breached".into(), colour: BAD, values: vec![1, 2, 0] },
        ];
        let svg = bars(Width::Full, "Clocks", "count", &categories, &series);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
        assert!(svg.contains("\n攻击类\n") && svg.contains("\nfault\n"), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"), "labels are escaped");
        // Four values above zero: four bars in the series' colours, plus two legend keys.
        let fills =
            |c: RGBColor| svg.matches(&format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2)).count();
        assert_eq!((fills(GOOD), fills(BAD)), (3, 3), "{svg}");
        assert_eq!(
            bars(Width::Full, "Clocks", "count", &categories, &series),
            svg,
            "the same figures draw the same chart"
        );
    }
}
