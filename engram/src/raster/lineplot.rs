//! [`LinePlot`]: series of `(x, y)` points drawn as lines with markers, on axes with nice ticks,
//! grid lines, a title and a legend.

use super::canvas::{Canvas, Rgb};
use super::font::{draw_text, text_width};
use super::ticks::{format_ticks, nice_ticks};

const LEFT: usize = 60;
const RIGHT: usize = 14;
const TOP: usize = 24;
const BOTTOM: usize = 36;
/// Roughly how many intervals each axis is cut into.
const TICK_TARGET: usize = 5;

/// Distinct colours for up to six series; later series reuse them.
pub const PALETTE: [Rgb; 6] = [
    Rgb(31, 119, 180),
    Rgb(214, 39, 40),
    Rgb(44, 160, 44),
    Rgb(148, 103, 189),
    Rgb(255, 127, 14),
    Rgb(23, 190, 207),
];

/// One named line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Name shown in the legend.
    pub name: String,
    /// Colour of the line and its markers.
    pub color: Rgb,
    /// The points in drawing order; non-finite points are skipped and break the line.
    pub points: Vec<(f64, f64)>,
}

/// A line plot of one or more series.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Title drawn above the plot.
    pub title: String,
    /// Label of the horizontal axis.
    pub x_label: String,
    /// Canvas width in pixels.
    pub width: usize,
    /// Canvas height in pixels.
    pub height: usize,
    /// The series to draw.
    pub series: Vec<Series>,
}

/// Maps data coordinates to pixels inside the plot area.
struct Frame {
    x_ticks: Vec<f64>,
    y_ticks: Vec<f64>,
    plot_w: f64,
    plot_h: f64,
}

impl Frame {
    fn x_range(&self) -> (f64, f64) {
        (
            self.x_ticks[0],
            *self.x_ticks.last().expect("nice_ticks returns >= 2 ticks"),
        )
    }

    fn y_range(&self) -> (f64, f64) {
        (
            self.y_ticks[0],
            *self.y_ticks.last().expect("nice_ticks returns >= 2 ticks"),
        )
    }

    fn to_pixel(&self, x: f64, y: f64) -> (i64, i64) {
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y_range();
        let px = LEFT as f64 + (x - x0) / (x1 - x0) * self.plot_w;
        let py = TOP as f64 + (1.0 - (y - y0) / (y1 - y0)) * self.plot_h;
        (px.round() as i64, py.round() as i64)
    }
}

impl LinePlot {
    /// Draws the plot on a new `width x height` canvas (at least 160 x 120).
    pub fn render(&self) -> Canvas {
        let width = self.width.max(160);
        let height = self.height.max(120);
        let mut canvas = Canvas::new(width, height, Rgb::WHITE);
        let frame = self.frame(width, height);

        draw_text(&mut canvas, LEFT as i64, 8, &self.title, Rgb::BLACK, 1);
        draw_grid(&mut canvas, &frame);
        for series in &self.series {
            draw_series(&mut canvas, &frame, series);
        }
        self.draw_legend(&mut canvas);
        let label_x =
            LEFT + (frame.plot_w as usize).saturating_sub(text_width(&self.x_label, 1)) / 2;
        draw_text(
            &mut canvas,
            label_x as i64,
            (height - 12) as i64,
            &self.x_label,
            Rgb::BLACK,
            1,
        );
        canvas
    }

    fn frame(&self, width: usize, height: usize) -> Frame {
        let finite = self
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|(x, y)| x.is_finite() && y.is_finite());
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for &(x, y) in finite {
            (x0, x1) = (x0.min(x), x1.max(x));
            (y0, y1) = (y0.min(y), y1.max(y));
        }
        Frame {
            x_ticks: nice_ticks(x0, x1, TICK_TARGET),
            y_ticks: nice_ticks(y0, y1, TICK_TARGET),
            plot_w: (width - LEFT - RIGHT) as f64,
            plot_h: (height - TOP - BOTTOM) as f64,
        }
    }

    fn draw_legend(&self, canvas: &mut Canvas) {
        for (index, series) in self.series.iter().enumerate() {
            let x = (LEFT + 8) as i64;
            let y = (TOP + 6 + index * 11) as i64;
            canvas.fill_rect(x, y, 8, 7, series.color);
            draw_text(canvas, x + 12, y, &series.name, Rgb::BLACK, 1);
        }
    }
}

fn draw_grid(canvas: &mut Canvas, frame: &Frame) {
    let (left, top) = (LEFT as i64, TOP as i64);
    let (right, bottom) = (left + frame.plot_w as i64, top + frame.plot_h as i64);
    let (x0, _) = frame.x_range();
    let (y0, _) = frame.y_range();
    let x_labels = format_ticks(&frame.x_ticks);
    for (&x, label) in frame.x_ticks.iter().zip(&x_labels) {
        let (px, _) = frame.to_pixel(x, y0);
        canvas.line(px, top, px, bottom, Rgb::GREY);
        let lx = px - text_width(label, 1) as i64 / 2;
        draw_text(canvas, lx, bottom + 5, label, Rgb::BLACK, 1);
    }
    let y_labels = format_ticks(&frame.y_ticks);
    for (&y, label) in frame.y_ticks.iter().zip(&y_labels) {
        let (_, py) = frame.to_pixel(x0, y);
        canvas.line(left, py, right, py, Rgb::GREY);
        let lx = left - 5 - text_width(label, 1) as i64;
        draw_text(canvas, lx, py - 3, label, Rgb::BLACK, 1);
    }
    canvas.line(left, bottom, right, bottom, Rgb::BLACK);
    canvas.line(left, top, left, bottom, Rgb::BLACK);
}

fn draw_series(canvas: &mut Canvas, frame: &Frame, series: &Series) {
    let mut previous: Option<(i64, i64)> = None;
    for &(x, y) in &series.points {
        if !x.is_finite() || !y.is_finite() {
            previous = None;
            continue;
        }
        let (px, py) = frame.to_pixel(x, y);
        if let Some((qx, qy)) = previous {
            canvas.line(qx, qy, px, py, series.color);
        }
        canvas.fill_rect(px - 1, py - 1, 3, 3, series.color);
        previous = Some((px, py));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot(points: Vec<(f64, f64)>) -> LinePlot {
        LinePlot {
            title: "loss".into(),
            x_label: "epoch".into(),
            width: 300,
            height: 200,
            series: vec![Series {
                name: "a".into(),
                color: PALETTE[1],
                points,
            }],
        }
    }

    #[test]
    fn points_land_on_their_pixels() {
        // Ticks for x in [0, 4] and y in [0, 1] end exactly at the data range, so (0, 0) is the
        // bottom-left corner of the plot area and (4, 1) the top-right one.
        let p = plot(vec![(0.0, 0.0), (4.0, 1.0)]);
        let canvas = p.render();
        let frame = p.frame(300, 200);
        assert_eq!(
            frame.to_pixel(0.0, 0.0),
            (LEFT as i64, (200 - BOTTOM) as i64)
        );
        assert_eq!(frame.to_pixel(4.0, 1.0), ((300 - RIGHT) as i64, TOP as i64));
        let (px, py) = frame.to_pixel(2.0, 0.5);
        assert_eq!(canvas.pixel(px as usize, py as usize), Some(PALETTE[1]));
    }

    #[test]
    fn empty_and_nan_series_render() {
        let canvas = plot(vec![]).render();
        assert_eq!(canvas.width(), 300);
        let canvas = plot(vec![(0.0, f64::NAN), (1.0, 2.0)]).render();
        assert_eq!(canvas.height(), 200);
    }
}
