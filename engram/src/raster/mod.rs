//! A small raster library for the monitor's pictures, built on the `png` encoder only.
//!
//! [`Canvas`] holds RGB pixels and draws lines and rectangles; `font` draws labels with a 5 x 7
//! bitmap font; [`ColorScale`] maps values to colours; [`Heatmap`] and [`LinePlot`] compose
//! these into labelled figures; `ticks` picks axis tick values.

mod canvas;
mod color;
pub mod font;
mod heatmap;
mod lineplot;
pub mod ticks;

pub use canvas::{Canvas, Rgb};
pub use color::ColorScale;
pub use heatmap::Heatmap;
pub use lineplot::{LinePlot, Series, PALETTE};
