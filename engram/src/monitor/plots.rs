//! The monitor's pictures: trace heatmaps, statistics over epochs and attention over time.

use std::path::Path;

use super::{EpochRecord, MemorySnapshot};
use crate::raster::{Canvas, ColorScale, Heatmap, LinePlot, Rgb, Series, PALETTE};
use crate::Result;

/// Size of one panel of `statistics.png`, in pixels.
const PANEL_WIDTH: usize = 420;
const PANEL_HEIGHT: usize = 260;

/// A trace matrix: row-major values, rows (slots), columns (hidden units).
type Matrix = (Vec<f32>, usize, usize);

/// Writes `trace_first.png`, `trace_current.png` (one shared colour scale, so the two compare)
/// and, when `with_difference` is set, `trace_difference.png` (its own scale). The difference is
/// left out after the first recorded epoch, where it would be all zeros.
pub(super) fn write_trace_pictures(
    dir: &Path,
    first: &Matrix,
    current: &Matrix,
    with_difference: bool,
) -> Result<()> {
    let (rows, cols) = (current.1, current.2);
    let both: Vec<f32> = first.0.iter().chain(&current.0).copied().collect();
    let scale = ColorScale::diverging_for(&both);
    let difference: Vec<f32> = current.0.iter().zip(&first.0).map(|(c, f)| c - f).collect();
    let pictures = [
        ("trace_first.png", "trace H, first epoch", &first.0, scale),
        (
            "trace_current.png",
            "trace H, latest epoch",
            &current.0,
            scale,
        ),
        (
            "trace_difference.png",
            "trace H, latest minus first",
            &difference,
            ColorScale::diverging_for(&difference),
        ),
    ];
    let count = if with_difference { 3 } else { 2 };
    for (file, title, values, scale) in pictures.into_iter().take(count) {
        let map = Heatmap {
            title,
            values,
            rows,
            cols,
            row_label: "slot",
            col_label: "hidden unit",
            scale,
        };
        map.render()?.save_png(&dir.join(file))?;
    }
    Ok(())
}

/// Writes `statistics.png`: four panels (trace values, sparsity, attention entropy, top-k mass)
/// over epochs.
pub(super) fn write_statistics_picture(dir: &Path, history: &[EpochRecord]) -> Result<()> {
    let series = |name: &str, color: Rgb, value: fn(&EpochRecord) -> f32| Series {
        name: name.to_string(),
        color,
        points: history
            .iter()
            .map(|r| (r.epoch as f64, f64::from(value(r))))
            .collect(),
    };
    let top_k = history.last().map_or(0, |r| r.attention.top_k);
    let panels = [
        (
            "trace values",
            vec![
                series("min", PALETTE[0], |r| r.trace.min),
                series("max", PALETTE[1], |r| r.trace.max),
                series("mean |H|", PALETTE[2], |r| r.trace.mean_abs),
                series("std", PALETTE[3], |r| r.trace.std),
            ],
        ),
        (
            "trace sparsity (|H| < 0.01)",
            vec![series("sparsity", PALETTE[0], |r| r.trace.sparsity)],
        ),
        (
            "attention entropy (nats)",
            vec![series("entropy", PALETTE[1], |r| r.attention.mean_entropy)],
        ),
        (
            "attention mass on top slots",
            vec![series(&format!("top {top_k}"), PALETTE[2], |r| {
                r.attention.mean_top_k_mass
            })],
        ),
    ];
    let mut canvas = Canvas::new(2 * PANEL_WIDTH, 2 * PANEL_HEIGHT, Rgb::WHITE);
    for (index, (title, series)) in panels.into_iter().enumerate() {
        let plot = LinePlot {
            title: title.to_string(),
            x_label: "epoch".to_string(),
            width: PANEL_WIDTH,
            height: PANEL_HEIGHT,
            series,
        };
        let x = (index % 2 * PANEL_WIDTH) as i64;
        let y = (index / 2 * PANEL_HEIGHT) as i64;
        canvas.blit(&plot.render(), x, y);
    }
    canvas.save_png(&dir.join("statistics.png"))
}

/// Writes `attention.png`: the first example's attention, time steps x slots.
pub(super) fn write_attention_picture(dir: &Path, snapshot: &MemorySnapshot) -> Result<()> {
    let (values, steps, slots) = snapshot.first_attention()?;
    let map = Heatmap {
        title: "attention of example 0",
        values: &values,
        rows: steps,
        cols: slots,
        row_label: "time step",
        col_label: "memory slot",
        scale: ColorScale::sequential_for(&values),
    };
    map.render()?.save_png(&dir.join("attention.png"))
}
