//! The backward pass: one walk over the tape from the output down to the first node.
//!
//! Each node's gradient is complete when the walk reaches it, because every node that uses it
//! has a higher index and was visited before. The walk applies the node's rule, adds the input
//! gradients to their nodes' pending sums, and drops the node's own gradient. Only gradients
//! of nodes that are still waiting to be visited stay alive, besides the returned ones.

use tensor::{Element, Tensor};

use crate::device;
use crate::grads::{accumulate, Gradients};
use crate::tape::{Node, NodeKind};
use crate::{AutodiffError, Result, Tape, Var};

impl<T: Element> Tape<T> {
    /// Computes the gradient of a one-element `output` with respect to every tracked leaf,
    /// seeding the backward pass with 1.
    ///
    /// # Errors
    /// [`AutodiffError::NonScalarOutput`] when `output` has more than one element (use
    /// [`Tape::backward_with_seed`]), and any error of a backward rule.
    pub fn backward(&self, output: &Var<T>) -> Result<Gradients<T>> {
        if output.value().num_elements() != 1 {
            return Err(AutodiffError::NonScalarOutput {
                shape: output.shape().to_vec(),
            });
        }
        // The seed lives where the output does, so the first rule sees one device.
        let seed = Tensor::ones_on(output.shape(), &output.value().device())?;
        self.backward_with_seed(output, &seed)
    }

    /// Computes the vector-Jacobian product of `output` with `seed` (which must have the
    /// output's shape) for every tracked leaf and every variable marked with
    /// [`Tape::retain_grad`]. An untracked output gives empty gradients.
    ///
    /// The pass visits nodes from `output` down to the first node once, and drops each node's
    /// gradient as soon as its rule has run.
    pub fn backward_with_seed(&self, output: &Var<T>, seed: &Tensor<T>) -> Result<Gradients<T>> {
        if seed.shape() != output.shape() {
            return Err(AutodiffError::SeedShape {
                output: output.shape().to_vec(),
                seed: seed.shape().to_vec(),
            });
        }
        let Some(last) = self.node_index("backward", output)? else {
            return Ok(Gradients::default());
        };
        let inner = self
            .inner
            .try_borrow()
            .map_err(|_| AutodiffError::TapeBusy { op: "backward" })?;

        let mut pending: Vec<Option<Tensor<T>>> = vec![None; last + 1];
        pending[last] = Some(seed.clone());
        let mut grads = Gradients::default();
        for index in (0..=last).rev() {
            let Some(grad) = pending[index].take() else {
                continue;
            };
            let node = &inner.nodes[index];
            match node.kind {
                NodeKind::Leaf => grads.insert(node.var_id, None, grad.contiguous()),
                NodeKind::KeyedLeaf(key) => grads.insert(node.var_id, Some(key), grad.contiguous()),
                NodeKind::Op(op) => {
                    if node.retain {
                        grads.insert(node.var_id, None, grad.contiguous());
                    }
                    run_rule(op, node, &grad, &mut pending)?;
                }
            }
        }
        Ok(grads)
    }
}

/// Runs one node's backward rule and adds the input gradients to `pending`.
fn run_rule<T: Element>(
    op: &'static str,
    node: &Node<T>,
    grad: &Tensor<T>,
    pending: &mut [Option<Tensor<T>>],
) -> Result<()> {
    // Invariant: only leaves have no rule, and leaves are handled by the caller.
    let rule = node
        .backward
        .as_ref()
        .expect("operation nodes carry a backward rule");
    let tracked: Vec<bool> = node.inputs.iter().map(|i| i.node.is_some()).collect();
    let input_grads = rule(grad, &tracked)?;
    let grad_device = device::accelerator([grad]);
    if input_grads.len() != node.inputs.len() {
        return Err(AutodiffError::GradientCount {
            op,
            expected: node.inputs.len(),
            got: input_grads.len(),
        });
    }
    for (position, (input, input_grad)) in node.inputs.iter().zip(input_grads).enumerate() {
        let (Some(target), Some(input_grad)) = (input.node, input_grad) else {
            continue;
        };
        if input_grad.shape() != input.shape.as_slice() {
            return Err(AutodiffError::GradientShape {
                op,
                input: position,
                expected: input.shape.clone(),
                got: input_grad.shape().to_vec(),
            });
        }
        // Rules that compute on the host return host tensors; bring them to the gradient's
        // device so that accumulation and the next rules do not mix devices.
        let input_grad = device::move_to(input_grad, grad_device.as_ref())?;
        accumulate(&mut pending[target], input_grad)?;
    }
    Ok(())
}
