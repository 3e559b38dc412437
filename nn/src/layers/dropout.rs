//! Inverted dropout (Srivastava et al., 2014): in training each element is zeroed with
//! probability p and the survivors are scaled by 1 / (1 - p), so evaluation needs no rescaling
//! and simply returns the input.

use std::cell::RefCell;

use autodiff::{Tape, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tensor::{Element, Tensor};

use crate::{Module, NnError, Param, Result};

/// Randomly zeroes elements during training; any input shape.
///
/// The mask comes from the layer's own seeded generator, so two runs with the same seed drop
/// the same elements. The generator sits in a `RefCell` because `forward` takes `&self`; the
/// layer is therefore not `Sync`, like the tape it records on.
#[derive(Debug)]
pub struct Dropout {
    p: f64,
    training: bool,
    rng: RefCell<StdRng>,
}

impl Dropout {
    /// Creates the layer in training mode.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] unless `0 <= p < 1`.
    pub fn new(p: f64, seed: u64) -> Result<Self> {
        if !(0.0..1.0).contains(&p) {
            return Err(NnError::invalid(
                "Dropout::new",
                format!("p must be in [0, 1), got {p}"),
            ));
        }
        Ok(Dropout {
            p,
            training: true,
            rng: RefCell::new(StdRng::seed_from_u64(seed)),
        })
    }

    /// Returns the drop probability.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Returns true in training mode.
    pub fn is_training(&self) -> bool {
        self.training
    }

    /// Restarts the mask generator from `seed`, so that a resumed run draws the masks that an
    /// uninterrupted run with the same seeds draws.
    pub fn reseed(&self, seed: u64) {
        *self.rng.borrow_mut() = StdRng::seed_from_u64(seed);
    }
}

impl<T: Element> Module<T> for Dropout {
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>> {
        if !self.training || self.p == 0.0 {
            return Ok(input.clone());
        }
        let scale = T::from_f64(1.0 / (1.0 - self.p));
        let mut rng = self.rng.borrow_mut();
        let mask: Vec<T> = (0..input.value().num_elements())
            .map(|_| {
                if rng.gen::<f64>() < self.p {
                    T::ZERO
                } else {
                    scale
                }
            })
            .collect();
        // Drawn on the host, so the masks do not depend on the device; one upload when the
        // input lives on an accelerator.
        let mask = Tensor::from_vec(mask, input.shape())?.to_device(&input.value().device())?;
        let mask = tape.constant(mask);
        Ok(input.mul(&mask)?)
    }

    fn collect_params<'a>(&'a self, _prefix: &str, _out: &mut Vec<(String, &'a Param<T>)>) {}

    fn collect_params_mut<'a>(
        &'a mut self,
        _prefix: &str,
        _out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }
}
