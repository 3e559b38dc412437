//! The carried state of the language models: the first batch matches a fresh run, the next
//! batch continues from the stored state, and a state of another batch size is ignored.

use autodiff::Tape;
use nn::rnn::LstmCell;
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::Tensor;

use super::{CarriedState, EnnLanguageModel, ModelKind, RecurrentLanguageModel, SequenceModel};
use crate::EngramConfig;

/// Ids `[2, 3]` over a vocabulary of 5.
fn ids() -> Tensor<f32> {
    Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 0.0, 1.0], &[2, 3]).unwrap()
}

/// Runs the checks on `model`, whose carried state has `parts` tensors, the first `[2, 4]`.
fn check_carry(model: &dyn SequenceModel, parts: usize) {
    let tape = Tape::new();
    let input = tape.constant(ids());
    // Reseeding before each fresh run makes a randomly drawn initial state repeat.
    model.reseed(7);
    let fresh = model.forward(&tape, &input).unwrap().value().to_vec();

    let mut state = None;
    model.reseed(7);
    let first = model.forward_carried(&tape, &input, &mut state).unwrap();
    assert_eq!(first.value().to_vec(), fresh);
    let carried = state.clone().expect("the run stores its final state");
    assert_eq!(carried.parts().len(), parts);
    assert_eq!(carried.parts()[0].shape(), &[2, 4]);
    assert_eq!(carried.batch(), Some(2));

    let second = model.forward_carried(&tape, &input, &mut state).unwrap();
    assert_ne!(second.value().to_vec(), fresh);

    let wrong_batch: Vec<Tensor<f32>> = carried
        .parts()
        .iter()
        .map(|part| {
            let mut shape = part.shape().to_vec();
            shape[0] = 3;
            Tensor::ones(&shape)
        })
        .collect();
    let mut other = Some(CarriedState::new(wrong_batch));
    model.reseed(7);
    let restarted = model.forward_carried(&tape, &input, &mut other).unwrap();
    assert_eq!(restarted.value().to_vec(), fresh);
}

#[test]
fn lstm_language_model_carries_state() {
    let mut rng = StdRng::seed_from_u64(5);
    let model =
        RecurrentLanguageModel::<LstmCell<f32>>::new(ModelKind::Lstm, 5, Some(3), 4, &mut rng)
            .unwrap();
    // h and c.
    check_carry(&model, 2);
}

#[test]
fn enn_language_model_carries_state() {
    let mut rng = StdRng::seed_from_u64(5);
    let config = EngramConfig::new(3, 4, 2).unwrap();
    let model = EnnLanguageModel::new(&config, 5, Some(3), &mut rng).unwrap();
    // hidden and trace.
    check_carry(&model, 2);
}
