//! [`Canvas`]: an RGB pixel buffer with the few drawing primitives the plots need (pixels,
//! rectangles, lines, copying one canvas into another) and PNG output.

use std::path::Path;

use crate::atomic::write_atomic;
use crate::{EngramError, Result};

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// White.
    pub const WHITE: Rgb = Rgb(255, 255, 255);
    /// Black.
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    /// Mid grey, for grid lines.
    pub const GREY: Rgb = Rgb(200, 200, 200);
}

/// An image of `width x height` RGB pixels, row-major from the top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    /// Creates a canvas filled with `background`.
    pub fn new(width: usize, height: usize, background: Rgb) -> Self {
        let mut pixels = Vec::with_capacity(width * height * 3);
        for _ in 0..width * height {
            pixels.extend_from_slice(&[background.0, background.1, background.2]);
        }
        Canvas {
            width,
            height,
            pixels,
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The colour at `(x, y)`, or `None` outside the canvas.
    pub fn pixel(&self, x: usize, y: usize) -> Option<Rgb> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y * self.width + x) * 3;
        Some(Rgb(self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]))
    }

    /// Sets one pixel; coordinates outside the canvas are ignored (clipping).
    pub fn set(&mut self, x: i64, y: i64, color: Rgb) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return;
        }
        let i = (y as usize * self.width + x as usize) * 3;
        self.pixels[i..i + 3].copy_from_slice(&[color.0, color.1, color.2]);
    }

    /// Fills the `w x h` rectangle whose top-left corner is `(x, y)`, clipped to the canvas.
    pub fn fill_rect(&mut self, x: i64, y: i64, w: usize, h: usize, color: Rgb) {
        for dy in 0..h as i64 {
            for dx in 0..w as i64 {
                self.set(x + dx, y + dy, color);
            }
        }
    }

    /// Draws the outline of the `w x h` rectangle whose top-left corner is `(x, y)`.
    pub fn stroke_rect(&mut self, x: i64, y: i64, w: usize, h: usize, color: Rgb) {
        let (right, bottom) = (x + w as i64 - 1, y + h as i64 - 1);
        self.line(x, y, right, y, color);
        self.line(x, bottom, right, bottom, color);
        self.line(x, y, x, bottom, color);
        self.line(right, y, right, bottom, color);
    }

    /// Draws a one-pixel line from `(x0, y0)` to `(x1, y1)` with Bresenham's algorithm.
    pub fn line(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, color: Rgb) {
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = ((x1 - x0).signum(), (y1 - y0).signum());
        let (mut x, mut y, mut error) = (x0, y0, dx + dy);
        loop {
            self.set(x, y, color);
            if x == x1 && y == y1 {
                break;
            }
            let doubled = 2 * error;
            if doubled >= dy {
                error += dy;
                x += sx;
            }
            if doubled <= dx {
                error += dx;
                y += sy;
            }
        }
    }

    /// Copies `other` into this canvas with its top-left corner at `(x, y)`, clipped.
    pub fn blit(&mut self, other: &Canvas, x: i64, y: i64) {
        for oy in 0..other.height {
            for ox in 0..other.width {
                let color = other.pixel(ox, oy).expect("loop stays inside `other`");
                self.set(x + ox as i64, y + oy as i64, color);
            }
        }
    }

    /// Encodes the canvas as an 8-bit RGB PNG.
    ///
    /// # Errors
    /// [`EngramError::Png`] when the encoder fails (for example a zero-sized canvas).
    pub fn encode_png(&self, path_for_errors: &Path) -> Result<Vec<u8>> {
        let png_error = |source| EngramError::Png {
            op: "Canvas::encode_png",
            path: path_for_errors.to_path_buf(),
            source,
        };
        let mut bytes = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut bytes, self.width as u32, self.height as u32);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().map_err(png_error)?;
            writer.write_image_data(&self.pixels).map_err(png_error)?;
            writer.finish().map_err(png_error)?;
        }
        Ok(bytes)
    }

    /// Writes the canvas to `path` as a PNG (temporary file, then rename).
    ///
    /// # Errors
    /// [`EngramError::Png`] or [`EngramError::Io`] naming the path.
    pub fn save_png(&self, path: &Path) -> Result<()> {
        let bytes = self.encode_png(path)?;
        write_atomic("Canvas::save_png", path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_covers_both_ends_and_diagonal() {
        let mut canvas = Canvas::new(5, 5, Rgb::WHITE);
        canvas.line(0, 0, 4, 4, Rgb::BLACK);
        for i in 0..5 {
            assert_eq!(canvas.pixel(i, i), Some(Rgb::BLACK));
        }
        assert_eq!(canvas.pixel(1, 0), Some(Rgb::WHITE));
    }

    #[test]
    fn drawing_outside_is_clipped() {
        let mut canvas = Canvas::new(3, 2, Rgb::WHITE);
        canvas.fill_rect(-5, -5, 20, 20, Rgb::BLACK);
        assert_eq!(canvas.pixel(2, 1), Some(Rgb::BLACK));
        assert_eq!(canvas.pixel(3, 0), None);
    }

    #[test]
    fn png_round_trip() {
        let mut canvas = Canvas::new(4, 3, Rgb::WHITE);
        canvas.set(1, 2, Rgb(10, 20, 30));
        let bytes = canvas.encode_png(Path::new("memory")).unwrap();
        let decoder = png::Decoder::new(bytes.as_slice());
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).unwrap();
        assert_eq!((info.width, info.height), (4, 3));
        let i = (2 * 4 + 1) * 3;
        assert_eq!(&buffer[i..i + 3], &[10, 20, 30]);
    }
}
