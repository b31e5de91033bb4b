//! Drives operators through a script of batches and watermarks, whole or cut by a
//! checkpoint, for the tests of snapshot and restore: what comes out must not depend on
//! where the operator was checkpointed, nor on the parallelism it was restored at.

use super::{Operator, Outputs};
use crate::runtime::split_by_key;
use crate::types::Batch;

/// One call on an operator.
#[derive(Clone, Debug)]
pub enum Step {
    /// A batch on an input port.
    Rows(usize, Batch),
    Watermark(i64),
}

/// Makes instance `subtask` of `parallelism`.
pub type Make<'a> = &'a dyn Fn(usize, usize) -> Box<dyn Operator>;

/// The rows a call produced, a line each (port, kind, values and, with `watermarks`, the
/// watermark each carries), sorted: a multiset. Rows dropped as late count as lines too.
fn lines(out: &mut Outputs, watermarks: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for (port, batch) in out.take() {
        for i in 0..batch.num_rows() {
            let carried = match (watermarks, batch.watermarks()) {
                (true, Some(w)) => format!(" @{}", w[i]),
                _ => String::new(),
            };
            lines.push(format!(
                "{port} {} {:?}{carried}",
                batch.kind(i).short(),
                batch.row(i)
            ));
        }
    }
    lines.extend(std::iter::repeat_n(
        "dropped late".to_string(),
        out.take_late(),
    ));
    lines.sort();
    lines
}

/// Applies `step` to instances of one parallelism, each batch split among them by key
/// (`keys[port]`) as the hash partitioner splits it.
fn apply(ops: &mut [Box<dyn Operator>], step: &Step, keys: &[&[usize]], out: &mut Outputs) {
    match step {
        Step::Rows(port, batch) if ops.len() == 1 => ops[0].process(*port, batch.clone(), out),
        Step::Rows(port, batch) => {
            let parts = split_by_key(batch, keys[*port], ops.len());
            for (op, rows) in ops.iter_mut().zip(parts) {
                if !rows.is_empty() {
                    op.process(*port, batch.take(&rows), out)
                        .expect("a batch is taken");
                }
            }
            Ok(())
        }
        Step::Watermark(w) => ops.iter_mut().try_for_each(|op| op.on_watermark(*w, out)),
    }
    .expect("a step is taken");
}

fn finish(ops: &mut [Box<dyn Operator>], out: &mut Outputs) {
    for op in ops {
        op.finish(out).expect("the operator finishes");
    }
}

fn snapshot(ops: &mut [Box<dyn Operator>]) -> Vec<Vec<u8>> {
    ops.iter_mut()
        .map(|op| {
            op.snapshot(1)
                .expect("a snapshot is taken")
                .expect("the operator keeps state")
        })
        .collect()
}

/// What one instance outputs after each step and at the finish, with watermarks.
pub fn whole(make: Make, steps: &[Step]) -> Vec<Vec<String>> {
    let mut ops = [make(0, 1)];
    let mut out = Outputs::default();
    let mut outputs: Vec<Vec<String>> = steps
        .iter()
        .map(|step| {
            apply(&mut ops, step, &[], &mut out);
            lines(&mut out, true)
        })
        .collect();
    finish(&mut ops, &mut out);
    outputs.push(lines(&mut out, true));
    outputs
}

/// As [`whole`], but a checkpoint is taken after `at` steps and a new instance restored from
/// it takes the rest. The instance checkpointed goes on too, and must output the same.
pub fn restored(make: Make, steps: &[Step], at: usize) -> Vec<Vec<String>> {
    let mut first = [make(0, 1)];
    let mut out = Outputs::default();
    let mut outputs = Vec::new();
    for step in &steps[..at] {
        apply(&mut first, step, &[], &mut out);
        outputs.push(lines(&mut out, true));
    }
    let states = snapshot(&mut first);
    let mut second = [make(0, 1)];
    second[0].restore(&states).expect("the state is restored");
    let mut continued = Vec::new();
    for step in &steps[at..] {
        apply(&mut second, step, &[], &mut out);
        outputs.push(lines(&mut out, true));
        apply(&mut first, step, &[], &mut out);
        continued.push(lines(&mut out, true));
    }
    finish(&mut second, &mut out);
    outputs.push(lines(&mut out, true));
    finish(&mut first, &mut out);
    continued.push(lines(&mut out, true));
    assert_eq!(
        &outputs[at..],
        &continued[..],
        "the snapshot changed the instance it was taken of"
    );
    outputs
}

/// Every row output by `from` instances for the first `at` steps, checkpointed, then by
/// `to` instances restored from all their states: a multiset, without watermarks (an
/// instance's watermark is that of the rows it is sent).
pub fn rescaled(
    make: Make,
    steps: &[Step],
    at: usize,
    (from, to): (usize, usize),
    keys: &[&[usize]],
) -> Vec<String> {
    let mut out = Outputs::default();
    let mut all = Vec::new();
    let mut before: Vec<Box<dyn Operator>> = (0..from).map(|i| make(i, from)).collect();
    for step in &steps[..at] {
        apply(&mut before, step, keys, &mut out);
        all.extend(lines(&mut out, false));
    }
    let states = snapshot(&mut before);
    let mut after: Vec<Box<dyn Operator>> = (0..to).map(|i| make(i, to)).collect();
    for op in &mut after {
        op.restore(&states).expect("the states are restored");
    }
    for step in &steps[at..] {
        apply(&mut after, step, keys, &mut out);
        all.extend(lines(&mut out, false));
    }
    finish(&mut after, &mut out);
    all.extend(lines(&mut out, false));
    all.sort();
    all
}

/// Every row one instance outputs, as [`rescaled`] gives them.
pub fn whole_rows(make: Make, steps: &[Step]) -> Vec<String> {
    let mut ops = [make(0, 1)];
    let mut out = Outputs::default();
    let mut all = Vec::new();
    for step in steps {
        apply(&mut ops, step, &[], &mut out);
        all.extend(lines(&mut out, false));
    }
    finish(&mut ops, &mut out);
    all.extend(lines(&mut out, false));
    all.sort();
    all
}

/// The state of one instance after `steps`.
pub fn state_after(make: Make, steps: &[Step]) -> Vec<u8> {
    let mut ops = [make(0, 1)];
    let mut out = Outputs::default();
    for step in steps {
        apply(&mut ops, step, &[], &mut out);
    }
    snapshot(&mut ops).remove(0)
}
