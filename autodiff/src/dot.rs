//! Graphviz export of the graph that produced a variable, as a teaching aid.
//!
//! Render the text with `dot -Tsvg graph.dot -o graph.svg`. Leaves are boxes (keyed leaves show
//! their key), operations are ellipses, and untracked inputs (constants, detached values) are
//! dashed boxes. Every node shows its shape; edges point from inputs to the operation.

use std::collections::BTreeSet;
use std::fmt::Write;

use tensor::Element;

use crate::tape::NodeKind;
use crate::{Tape, Var};

impl<T: Element> Tape<T> {
    /// Returns a Graphviz DOT description of the nodes that `output` depends on.
    ///
    /// An untracked `output` gives a graph with a single dashed node. A variable that is not a
    /// live node of this tape (recorded before the last [`Tape::clear`], or on another tape)
    /// gives a graph with a single node whose label is the reason.
    pub fn to_dot(&self, output: &Var<T>) -> String {
        let mut text =
            String::from("digraph tape {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
        let last = match self.node_index("to_dot", output) {
            Ok(Some(last)) => last,
            Ok(None) => {
                let _ = writeln!(
                    text,
                    "  c [label=\"const\\n{:?}\", shape=box, style=dashed];",
                    output.shape()
                );
                text.push_str("}\n");
                return text;
            }
            Err(err) => {
                let reason = err.to_string().replace('"', "'");
                let _ = writeln!(text, "  error [label=\"{reason}\", shape=note];");
                text.push_str("}\n");
                return text;
            }
        };
        let inner = self.inner.borrow();

        // Collect the nodes reachable backwards from the output.
        let mut reachable = BTreeSet::new();
        let mut stack = vec![last];
        while let Some(index) = stack.pop() {
            if reachable.insert(index) {
                stack.extend(inner.nodes[index].inputs.iter().filter_map(|i| i.node));
            }
        }

        for &index in &reachable {
            let node = &inner.nodes[index];
            let (label, style) = match node.kind {
                NodeKind::Leaf => (format!("leaf #{index}"), "shape=box"),
                NodeKind::KeyedLeaf(key) => (format!("leaf #{index}\\nkey {key}"), "shape=box"),
                NodeKind::Op(op) => (format!("{op} #{index}"), "shape=ellipse"),
            };
            let bold = if index == last { ", penwidth=2" } else { "" };
            let _ = writeln!(
                text,
                "  n{index} [label=\"{label}\\n{:?}\", {style}{bold}];",
                node.shape
            );
            for (position, input) in node.inputs.iter().enumerate() {
                match input.node {
                    Some(from) => {
                        let _ = writeln!(text, "  n{from} -> n{index};");
                    }
                    None => {
                        let _ = writeln!(
                            text,
                            "  c{index}_{position} [label=\"const\\n{:?}\", shape=box, style=dashed];\n  c{index}_{position} -> n{index};",
                            input.shape
                        );
                    }
                }
            }
        }
        text.push_str("}\n");
        text
    }
}
