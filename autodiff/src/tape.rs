//! The tape (a Wengert list): every operation on tracked variables appends one node, and
//! [`Tape::backward`] walks the nodes once in reverse.
//!
//! # Design
//!
//! A [`Tape`] is a cheap handle (`Rc<RefCell<..>>`) shared by every [`Var`] recorded on it, so
//! one computation runs on one thread. Nodes are stored in recording order, which is already a
//! topological order: an operation can only take variables that exist, so every input of node
//! `i` has an index below `i`. The backward pass therefore needs no graph sort.
//!
//! A node keeps its backward rule as a boxed closure that owns the tensors it needs (inputs,
//! output or neither). Closures hold tensors, never variables, so no reference cycle can keep a
//! tape alive.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use tensor::{Element, Tensor};

use crate::var::{NodeHandle, Var};
use crate::{AutodiffError, Result};

/// A backward rule, which maps the output gradient to one gradient per input. The mask marks
/// the tracked inputs, so a rule may skip work for the others and return `None` there.
pub(crate) type BackwardFn<T> = Box<dyn Fn(&Tensor<T>, &[bool]) -> Result<Vec<Option<Tensor<T>>>>>;

/// The origin of a node: a leaf, a keyed leaf or an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeKind {
    /// A variable created by [`Tape::leaf`].
    Leaf,
    /// A variable created by [`Tape::leaf_keyed`] with this key.
    KeyedLeaf(u64),
    /// The output of the named operation.
    Op(&'static str),
}

/// One input of an operation node: the node it came from, or an untracked value.
#[derive(Clone, Debug)]
pub(crate) struct NodeInput {
    /// The index of the input's node; `None` for constants and detached values.
    pub(crate) node: Option<usize>,
    /// The input's shape, which its gradient must have.
    pub(crate) shape: Vec<usize>,
}

/// One entry of the tape.
pub(crate) struct Node<T: Element> {
    pub(crate) kind: NodeKind,
    /// The id of the variable this node produced.
    pub(crate) var_id: u64,
    pub(crate) shape: Vec<usize>,
    pub(crate) inputs: Vec<NodeInput>,
    /// `None` for leaves.
    pub(crate) backward: Option<BackwardFn<T>>,
    /// When set, `backward` also returns this node's gradient even if it is not a leaf.
    pub(crate) retain: bool,
}

/// The shared state behind a [`Tape`] handle.
pub(crate) struct TapeInner<T: Element> {
    pub(crate) nodes: Vec<Node<T>>,
    /// Leaves bound with [`Tape::leaf_keyed`] since the last clear: key -> (node, id, value).
    keyed: HashMap<u64, (usize, u64, Tensor<T>)>,
    /// Counts calls to [`Tape::clear`]; variables from an older generation are stale.
    pub(crate) generation: u64,
    /// Nesting depth of [`Tape::no_grad`] calls; nothing is recorded while above 0.
    no_grad_depth: usize,
}

/// A recording of operations on variables, to be differentiated with [`Tape::backward`].
///
/// Cloning the handle is cheap and every clone records onto the same tape. The tape is
/// single-threaded (`!Send`); run one tape per thread.
///
/// # Use in a training loop
///
/// Clear the tape at the start of every step and bind each parameter with a fixed key, so each
/// step records the same nodes and memory stays flat:
///
/// ```
/// use autodiff::Tape;
/// use tensor::Tensor;
///
/// let tape: Tape = Tape::new();
/// let mut weight = Tensor::from_vec(vec![0.5f32, -0.5], &[2]).unwrap();
/// for _step in 0..3 {
///     tape.clear(); // drops the previous step's nodes and their saved tensors
///     let w = tape.leaf_keyed(0, &weight);
///     let loss = w.square()?.sum(&[], false)?;
///     let grads = tape.backward(&loss)?;
///     weight.scaled_add_inplace(-0.1, grads.get_key(0).unwrap())?;
/// }
/// # Ok::<(), autodiff::AutodiffError>(())
/// ```
pub struct Tape<T: Element = f32> {
    pub(crate) inner: Rc<RefCell<TapeInner<T>>>,
}

impl<T: Element> Clone for Tape<T> {
    fn clone(&self) -> Self {
        Tape {
            inner: Rc::clone(&self.inner),
        }
    }
}

impl<T: Element> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Restores the no-grad depth when a [`Tape::no_grad`] closure returns or panics.
struct NoGradGuard<'a, T: Element>(&'a Tape<T>);

impl<T: Element> Drop for NoGradGuard<'_, T> {
    fn drop(&mut self) {
        self.0.inner.borrow_mut().no_grad_depth -= 1;
    }
}

impl<T: Element> Tape<T> {
    /// Creates an empty tape.
    pub fn new() -> Self {
        Tape {
            inner: Rc::new(RefCell::new(TapeInner {
                nodes: Vec::new(),
                keyed: HashMap::new(),
                generation: 0,
                no_grad_depth: 0,
            })),
        }
    }

    /// Creates a tracked variable: [`Tape::backward`] returns its gradient. Inside
    /// [`Tape::no_grad`] the variable is untracked instead.
    pub fn leaf(&self, value: Tensor<T>) -> Var<T> {
        self.push_leaf(NodeKind::Leaf, value)
    }

    /// Creates a variable that never takes a gradient, for inputs and targets.
    pub fn constant(&self, value: Tensor<T>) -> Var<T> {
        Var::untracked(self, value)
    }

    /// Creates a tracked variable bound to `key`, or returns the variable already bound to
    /// `key` since the last [`Tape::clear`]. In that case the stored value is kept and `value`
    /// is ignored.
    ///
    /// A model parameter used at every time step thus becomes one leaf, and
    /// [`Gradients::get_key`](crate::Gradients::get_key) returns its gradient summed over all
    /// uses. Inside [`Tape::no_grad`] this binds nothing and returns an untracked variable.
    pub fn leaf_keyed(&self, key: u64, value: &Tensor<T>) -> Var<T> {
        let found = {
            let inner = self.inner.borrow();
            if inner.no_grad_depth > 0 {
                return Var::untracked(self, value.clone());
            }
            inner.keyed.get(&key).map(|(index, id, stored)| {
                let handle = NodeHandle {
                    index: *index,
                    generation: inner.generation,
                };
                (*id, handle, stored.clone())
            })
        };
        if let Some((id, handle, stored)) = found {
            return Var::from_parts(self, stored, id, Some(handle));
        }
        let var = self.push_leaf(NodeKind::KeyedLeaf(key), value.clone());
        if let Some(handle) = var.handle() {
            self.inner
                .borrow_mut()
                .keyed
                .insert(key, (handle.index, var.id(), value.clone()));
        }
        var
    }

    fn push_leaf(&self, kind: NodeKind, value: Tensor<T>) -> Var<T> {
        let mut inner = self.inner.borrow_mut();
        if inner.no_grad_depth > 0 {
            drop(inner);
            return Var::untracked(self, value);
        }
        let id = crate::var::next_id();
        let handle = NodeHandle {
            index: inner.nodes.len(),
            generation: inner.generation,
        };
        inner.nodes.push(Node {
            kind,
            var_id: id,
            shape: value.shape().to_vec(),
            inputs: Vec::new(),
            backward: None,
            retain: false,
        });
        drop(inner);
        Var::from_parts(self, value, id, Some(handle))
    }

    /// Drops every node and every keyed binding, so the tape can be reused for the next
    /// training step without growing. Variables recorded before are stale afterwards: using
    /// one as a tracked input returns [`AutodiffError::StaleVar`].
    pub fn clear(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.nodes.clear();
        inner.keyed.clear();
        inner.generation += 1;
    }

    /// Returns the number of nodes recorded since the last clear.
    pub fn len(&self) -> usize {
        self.inner.borrow().nodes.len()
    }

    /// Returns true when no node has been recorded since the last clear.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs `f` with recording switched off: operations inside return untracked variables and
    /// add no node, and leaves created inside are untracked. Calls may nest.
    pub fn no_grad<R>(&self, f: impl FnOnce() -> R) -> R {
        self.inner.borrow_mut().no_grad_depth += 1;
        let _guard = NoGradGuard(self);
        f()
    }

    /// Returns true inside [`Tape::no_grad`].
    pub fn is_no_grad(&self) -> bool {
        self.inner.borrow().no_grad_depth > 0
    }

    /// Asks [`Tape::backward`] to return the gradient of `var` too, although it is not a leaf
    /// (by default only leaves keep their gradients). Does nothing for an untracked variable.
    ///
    /// # Errors
    /// [`AutodiffError::StaleVar`] or [`AutodiffError::ForeignVar`] when `var` is not a live
    /// variable of this tape.
    pub fn retain_grad(&self, var: &Var<T>) -> Result<()> {
        let Some(index) = self.node_index("retain_grad", var)? else {
            return Ok(());
        };
        self.inner.borrow_mut().nodes[index].retain = true;
        Ok(())
    }

    /// Returns the index of `var`'s node on this tape, `None` when it is untracked.
    pub(crate) fn node_index(&self, op: &'static str, var: &Var<T>) -> Result<Option<usize>> {
        let Some(handle) = var.handle() else {
            return Ok(None);
        };
        if !Rc::ptr_eq(&self.inner, &var.tape().inner) {
            return Err(AutodiffError::ForeignVar { op });
        }
        if handle.generation != self.inner.borrow().generation {
            return Err(AutodiffError::StaleVar { op, id: var.id() });
        }
        Ok(Some(handle.index))
    }

    /// Records an operation: `output` was computed from `inputs`, and `backward` maps the
    /// output gradient to the input gradients. Returns an untracked variable, dropping
    /// `backward`, inside [`Tape::no_grad`] or when no input is tracked.
    pub(crate) fn record<F>(
        op: &'static str,
        inputs: &[&Var<T>],
        output: Tensor<T>,
        backward: F,
    ) -> Result<Var<T>>
    where
        F: Fn(&Tensor<T>, &[bool]) -> Result<Vec<Option<Tensor<T>>>> + 'static,
    {
        // Forward code that computed on the host returns a host tensor; keep the value on the
        // inputs' device so later operations do not mix devices.
        let device = crate::device::accelerator(inputs.iter().map(|v| v.value()));
        let output = crate::device::move_to(output, device.as_ref())?;

        let tape = match inputs.iter().find(|v| v.requires_grad()) {
            Some(tracked) => tracked.tape().clone(),
            None => {
                let tape = inputs.first().map(|v| v.tape().clone());
                let tape =
                    tape.ok_or_else(|| AutodiffError::invalid(op, "needs at least one input"))?;
                return Ok(Var::untracked(&tape, output));
            }
        };
        if tape.is_no_grad() {
            return Ok(Var::untracked(&tape, output));
        }

        let mut node_inputs = Vec::with_capacity(inputs.len());
        for input in inputs {
            node_inputs.push(NodeInput {
                node: tape.node_index(op, input)?,
                shape: input.shape().to_vec(),
            });
        }

        let mut inner = tape
            .inner
            .try_borrow_mut()
            .map_err(|_| AutodiffError::TapeBusy { op })?;
        let id = crate::var::next_id();
        let handle = NodeHandle {
            index: inner.nodes.len(),
            generation: inner.generation,
        };
        inner.nodes.push(Node {
            kind: NodeKind::Op(op),
            var_id: id,
            shape: output.shape().to_vec(),
            inputs: node_inputs,
            backward: Some(Box::new(backward)),
            retain: false,
        });
        drop(inner);
        Ok(Var::from_parts(&tape, output, id, Some(handle)))
    }

    /// Records a user-defined operation, for fusing several steps into one node.
    ///
    /// `output` is the value already computed from `inputs`. `backward` maps the gradient of
    /// `output` to one gradient per input, in order, with `None` for an input that takes none.
    /// Each returned gradient must have its input's shape; the backward pass checks this and
    /// returns [`AutodiffError::GradientShape`] or [`AutodiffError::GradientCount`] otherwise.
    ///
    /// ```
    /// use autodiff::Tape;
    /// use tensor::Tensor;
    ///
    /// // y = x^3 as one node, with dy/dx = 3 x^2.
    /// let tape: Tape<f64> = Tape::new();
    /// let x = tape.leaf(Tensor::from_vec(vec![2.0], &[1]).unwrap());
    /// let saved = x.value().clone();
    /// let y = tape.custom_op("cube", &[&x], x.value().powf(3.0), move |g| {
    ///     Ok(vec![Some(g.mul(&saved.square().mul_scalar(3.0))?)])
    /// })?;
    /// let grads = tape.backward(&y.sum(&[], false)?)?;
    /// assert_eq!(grads.get(&x).unwrap().to_vec(), vec![12.0]);
    /// # Ok::<(), autodiff::AutodiffError>(())
    /// ```
    ///
    /// # Errors
    /// [`AutodiffError::StaleVar`] or [`AutodiffError::ForeignVar`] for an input that is not a
    /// live variable of this tape.
    pub fn custom_op(
        &self,
        name: &'static str,
        inputs: &[&Var<T>],
        output: Tensor<T>,
        backward: impl Fn(&Tensor<T>) -> Result<Vec<Option<Tensor<T>>>> + 'static,
    ) -> Result<Var<T>> {
        for input in inputs {
            self.node_index(name, input)?;
        }
        if inputs.is_empty() {
            return Ok(Var::untracked(self, output));
        }
        Tape::record(name, inputs, output, move |grad, _| backward(grad))
    }
}

impl<T: Element> fmt::Debug for Tape<T> {
    /// Lists the nodes in recording order, one per line: index, kind, inputs and shape.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        writeln!(f, "Tape<{}> ({} nodes) [", T::DTYPE, inner.nodes.len())?;
        for (index, node) in inner.nodes.iter().enumerate() {
            writeln!(f, "  {}", describe_node(index, node))?;
        }
        write!(f, "]")
    }
}

/// Formats one node as `#3 mul(#1, #2) -> [2, 2]`; untracked inputs show as `const[shape]`.
pub(crate) fn describe_node<T: Element>(index: usize, node: &Node<T>) -> String {
    let body = match node.kind {
        NodeKind::Leaf => "leaf".to_string(),
        NodeKind::KeyedLeaf(key) => format!("leaf(key {key})"),
        NodeKind::Op(op) => {
            let inputs: Vec<String> = node
                .inputs
                .iter()
                .map(|input| match input.node {
                    Some(i) => format!("#{i}"),
                    None => format!("const{:?}", input.shape),
                })
                .collect();
            format!("{op}({})", inputs.join(", "))
        }
    };
    format!("#{index} {body} -> {:?}", node.shape)
}
