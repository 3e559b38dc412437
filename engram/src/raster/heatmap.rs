//! [`Heatmap`]: a matrix drawn as coloured cells with row and column ticks, a title and a colour
//! bar.
//!
//! ```text
//!   title
//!    0 +-----------------+  +--+ hi
//!      |   rows x cols   |  |  |
//!      |     cells       |  |  | mid
//!   r  |                 |  |  |
//!      +-----------------+  +--+ lo
//!      0      col label   c
//! ```

use super::canvas::{Canvas, Rgb};
use super::color::ColorScale;
use super::font::{draw_text, text_height, text_width};
use super::ticks::{format_tick, nice_ticks};
use crate::{EngramError, Result};

const LEFT: usize = 44;
/// Top margin: the title on the first text line, then the row label on its own line above the
/// cells, so that a long row label never runs into the title.
const TOP: usize = 34;
const BOTTOM: usize = 34;
const BAR_GAP: usize = 12;
const BAR_WIDTH: usize = 14;
const RIGHT: usize = 64;
/// Largest plot area the cells are scaled to fill, in pixels.
const MAX_PLOT_WIDTH: usize = 640;
const MAX_PLOT_HEIGHT: usize = 400;
/// Largest side of one cell, in pixels.
const MAX_CELL: usize = 16;

/// A row-major `rows x cols` matrix to draw.
#[derive(Debug, Clone)]
pub struct Heatmap<'a> {
    /// Title drawn above the cells.
    pub title: &'a str,
    /// The values, row-major, `rows * cols` of them.
    pub values: &'a [f32],
    /// Number of rows (drawn top to bottom).
    pub rows: usize,
    /// Number of columns (drawn left to right).
    pub cols: usize,
    /// Label of the vertical axis.
    pub row_label: &'a str,
    /// Label of the horizontal axis.
    pub col_label: &'a str,
    /// Colour scale of the cells and the bar.
    pub scale: ColorScale,
}

impl Heatmap<'_> {
    /// Draws the heatmap on a new canvas sized to fit it.
    ///
    /// # Errors
    /// [`EngramError::Shape`] when `rows` or `cols` is zero or `values` does not hold
    /// `rows * cols` entries.
    pub fn render(&self) -> Result<Canvas> {
        if self.rows == 0 || self.cols == 0 || self.values.len() != self.rows * self.cols {
            let expected = format!("{} x {} values (both at least 1)", self.rows, self.cols);
            return Err(EngramError::shape(
                "Heatmap::render",
                expected,
                &[self.values.len()],
            ));
        }
        let cell_w = (MAX_PLOT_WIDTH / self.cols).clamp(1, MAX_CELL);
        let cell_h = (MAX_PLOT_HEIGHT / self.rows).clamp(1, MAX_CELL);
        let (plot_w, plot_h) = (cell_w * self.cols, cell_h * self.rows);
        let width = LEFT + plot_w + BAR_GAP + BAR_WIDTH + RIGHT;
        let height = TOP + plot_h + BOTTOM;
        let mut canvas = Canvas::new(width, height, Rgb::WHITE);

        draw_text(&mut canvas, LEFT as i64, 6, self.title, Rgb::BLACK, 1);
        self.draw_cells(&mut canvas, cell_w, cell_h);
        canvas.stroke_rect(
            LEFT as i64 - 1,
            TOP as i64 - 1,
            plot_w + 2,
            plot_h + 2,
            Rgb::BLACK,
        );
        self.draw_axis_ticks(&mut canvas, cell_w, cell_h);
        self.draw_color_bar(&mut canvas, LEFT + plot_w + BAR_GAP, plot_h);
        Ok(canvas)
    }

    fn draw_cells(&self, canvas: &mut Canvas, cell_w: usize, cell_h: usize) {
        for row in 0..self.rows {
            for col in 0..self.cols {
                let color = self.scale.color(self.values[row * self.cols + col]);
                let x = (LEFT + col * cell_w) as i64;
                let y = (TOP + row * cell_h) as i64;
                canvas.fill_rect(x, y, cell_w, cell_h, color);
            }
        }
    }

    fn draw_axis_ticks(&self, canvas: &mut Canvas, cell_w: usize, cell_h: usize) {
        let plot_bottom = TOP + self.rows * cell_h;
        for row in integer_ticks(self.rows) {
            let label = row.to_string();
            let y = (TOP + row * cell_h + cell_h / 2) as i64;
            let x = LEFT as i64 - 4 - text_width(&label, 1) as i64;
            draw_text(canvas, x, y - 3, &label, Rgb::BLACK, 1);
        }
        for col in integer_ticks(self.cols) {
            let label = col.to_string();
            let x = (LEFT + col * cell_w + cell_w / 2) as i64 - text_width(&label, 1) as i64 / 2;
            draw_text(canvas, x, plot_bottom as i64 + 4, &label, Rgb::BLACK, 1);
        }
        let col_label_x =
            LEFT + (self.cols * cell_w).saturating_sub(text_width(self.col_label, 1)) / 2;
        let col_label_y = plot_bottom + 6 + text_height(1) + 4;
        draw_text(
            canvas,
            col_label_x as i64,
            col_label_y as i64,
            self.col_label,
            Rgb::BLACK,
            1,
        );
        // The row label goes above the row ticks, because the font draws horizontal text only.
        draw_text(canvas, 2, TOP as i64 - 10, self.row_label, Rgb::BLACK, 1);
    }

    fn draw_color_bar(&self, canvas: &mut Canvas, x: usize, plot_h: usize) {
        let (low, high) = self.scale.range();
        for dy in 0..plot_h {
            // Top of the bar is the high end.
            let t = 1.0 - dy as f32 / (plot_h.max(2) - 1) as f32;
            let color = self.scale.color(low + t * (high - low));
            canvas.fill_rect(x as i64, (TOP + dy) as i64, BAR_WIDTH, 1, color);
        }
        canvas.stroke_rect(x as i64, TOP as i64, BAR_WIDTH, plot_h, Rgb::BLACK);
        let label_x = (x + BAR_WIDTH + 4) as i64;
        let middle = 0.5 * (low + high);
        let labels = [
            (high, 0),
            (middle, plot_h / 2),
            (low, plot_h.saturating_sub(1)),
        ];
        for (value, dy) in labels {
            let text = format_tick(f64::from(value));
            let y = (TOP + dy) as i64 - 3;
            draw_text(canvas, label_x, y, &text, Rgb::BLACK, 1);
        }
    }
}

/// Integer tick positions in `0..count`, at nice steps.
fn integer_ticks(count: usize) -> Vec<usize> {
    let last = count.saturating_sub(1) as f64;
    let mut ticks: Vec<usize> = nice_ticks(0.0, last.max(1.0), 4)
        .into_iter()
        .filter(|&t| t >= 0.0 && t <= last && t.fract() == 0.0)
        .map(|t| t as usize)
        .collect();
    ticks.dedup();
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_take_their_colors() {
        let values = [-1.0, 0.0, 1.0, 0.5];
        let scale = ColorScale::Diverging { limit: 1.0 };
        let map = Heatmap {
            title: "t",
            values: &values,
            rows: 2,
            cols: 2,
            row_label: "slot",
            col_label: "unit",
            scale,
        };
        let canvas = map.render().unwrap();
        let cell = MAX_CELL;
        let center = |row: usize, col: usize| {
            canvas
                .pixel(LEFT + col * cell + cell / 2, TOP + row * cell + cell / 2)
                .unwrap()
        };
        assert_eq!(center(0, 0), scale.color(-1.0));
        assert_eq!(center(0, 1), scale.color(0.0));
        assert_eq!(center(1, 0), scale.color(1.0));
        assert_eq!(center(1, 1), scale.color(0.5));
    }

    #[test]
    fn wrong_count_is_an_error() {
        let map = Heatmap {
            title: "t",
            values: &[1.0; 5],
            rows: 2,
            cols: 3,
            row_label: "",
            col_label: "",
            scale: ColorScale::Diverging { limit: 1.0 },
        };
        assert!(map.render().is_err());
    }

    #[test]
    fn integer_ticks_stay_in_range() {
        assert_eq!(integer_ticks(1), vec![0]);
        let ticks = integer_ticks(64);
        assert_eq!(ticks.first(), Some(&0));
        assert!(ticks.iter().all(|&t| t < 64));
    }
}
