//! [`Turns`]: one operation per person at a time, in the order they were queued.
//!
//! An operation is sent only when none of its people (one, or two for a merge) has an
//! earlier operation in flight, waiting for a retry, or parked here. Until then it is
//! parked under each of its people; when a person's operation is settled for good
//! (delivered or failed), the next one parked for that person takes its turn. People
//! never wait for each other, so a queue spread over many people keeps its throughput;
//! one person's operations go one request at a time.

use std::collections::{HashMap, HashSet, VecDeque};

use super::Meta;
use crate::client::People;
use crate::delivery::sink::Payload;

/// Whose turn it is, per person.
pub(super) struct Turns<T> {
    /// People with an operation in flight, waiting for a retry, or whose turn came.
    busy: HashSet<i64>,
    /// Per person, the sequence numbers of their parked operations, oldest first.
    queues: HashMap<i64, VecDeque<u64>>,
    /// The parked operations, by sequence number.
    parked: HashMap<u64, (T, Meta)>,
    /// Parked operations whose turn came (their people are marked busy).
    ready: VecDeque<(T, Meta)>,
}

impl<T: Payload> Turns<T> {
    pub(super) fn new() -> Self {
        Turns {
            busy: HashSet::new(),
            queues: HashMap::new(),
            parked: HashMap::new(),
            ready: VecDeque::new(),
        }
    }

    /// Takes an operation just popped from the queue: it is returned to be sent now
    /// (its people are then busy) unless one of them is busy or has an operation
    /// parked, in which case it is parked behind them.
    pub(super) fn admit(&mut self, op: T, meta: Meta) -> Option<(T, Meta)> {
        let people = op.people();
        let blocked = people.keys().any(|key| {
            self.busy.contains(&key) || self.queues.get(&key).is_some_and(|q| !q.is_empty())
        });
        if blocked {
            for key in people.keys() {
                self.queues.entry(key).or_default().push_back(meta.seq);
            }
            self.parked.insert(meta.seq, (op, meta));
            return None;
        }
        self.busy.extend(people.keys());
        Some((op, meta))
    }

    /// An operation of `people` was settled for good: their next parked operations
    /// may take their turn.
    pub(super) fn release(&mut self, people: People) {
        for key in people.keys() {
            self.busy.remove(&key);
        }
        for key in people.keys() {
            self.promote(key);
        }
    }

    /// Moves `key`'s oldest parked operation to `ready` if it is first in line for
    /// every one of its people and none of them is busy.
    fn promote(&mut self, key: i64) {
        if self.busy.contains(&key) {
            return;
        }
        let Some(&seq) = self.queues.get(&key).and_then(VecDeque::front) else {
            return;
        };
        let Some(people) = self.parked.get(&seq).map(|(op, _)| op.people()) else {
            return;
        };
        let first_everywhere = people.keys().all(|other| {
            !self.busy.contains(&other)
                && self.queues.get(&other).and_then(VecDeque::front) == Some(&seq)
        });
        if !first_everywhere {
            return;
        }
        for other in people.keys() {
            if let Some(queue) = self.queues.get_mut(&other) {
                queue.pop_front();
                if queue.is_empty() {
                    self.queues.remove(&other);
                }
            }
            self.busy.insert(other);
        }
        if let Some(item) = self.parked.remove(&seq) {
            self.ready.push_back(item);
        }
    }

    /// The next operation whose turn came, if its size fits `budget` (bytes).
    pub(super) fn take_ready(&mut self, budget: usize) -> Option<(T, Meta)> {
        let fits = self.ready.front()?.1.bytes < budget;
        if fits {
            self.ready.pop_front()
        } else {
            None
        }
    }

    /// Whether nothing is parked or ready.
    pub(super) fn is_empty(&self) -> bool {
        self.parked.is_empty() && self.ready.is_empty()
    }

    /// Whether an operation's turn came and waits to be sent.
    pub(super) fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// Everything parked or ready, for a shutdown that gives them back.
    pub(super) fn drain(&mut self) -> Vec<(T, Meta)> {
        self.busy.clear();
        self.queues.clear();
        let mut out: Vec<(T, Meta)> = self.ready.drain(..).collect();
        out.extend(self.parked.drain().map(|(_, item)| item));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Customer, Operation};

    fn op(customer: &Customer) -> Operation {
        Operation::delete(customer).unwrap_or_else(|_| unreachable!())
    }

    fn meta(seq: u64) -> Meta {
        Meta {
            seq,
            bytes: 10,
            attempts: 0,
        }
    }

    #[test]
    fn a_person_waits_for_their_earlier_operation_and_others_do_not() {
        let (a, b) = (Customer::id("a"), Customer::id("b"));
        let mut turns = Turns::new();
        let first = turns.admit(op(&a), meta(1));
        assert!(first.is_some());
        assert!(turns.admit(op(&a), meta(2)).is_none());
        assert!(turns.admit(op(&b), meta(3)).is_some());
        assert!(turns.admit(op(&a), meta(4)).is_none());
        assert!(turns.take_ready(usize::MAX).is_none());
        turns.release(Operation::people(&op(&a)));
        let next = turns.take_ready(usize::MAX).map(|(_, meta)| meta.seq);
        assert_eq!(next, Some(2));
        assert!(turns.take_ready(usize::MAX).is_none());
        turns.release(Operation::people(&op(&a)));
        let last = turns.take_ready(usize::MAX).map(|(_, meta)| meta.seq);
        assert_eq!(last, Some(4));
        assert!(turns.is_empty());
    }

    #[test]
    fn a_merge_waits_for_both_people_and_holds_both() {
        let (a, b) = (Customer::id("a"), Customer::id("b"));
        let merge = Operation::merge(&a, &b).unwrap_or_else(|_| unreachable!());
        let mut turns = Turns::new();
        assert!(turns.admit(op(&a), meta(1)).is_some());
        assert!(turns.admit(op(&b), meta(2)).is_some());
        assert!(turns.admit(merge.clone(), meta(3)).is_none());
        assert!(turns.admit(op(&b), meta(4)).is_none());
        turns.release(Operation::people(&op(&a)));
        assert!(turns.take_ready(usize::MAX).is_none(), "b is still busy");
        turns.release(Operation::people(&op(&b)));
        assert_eq!(turns.take_ready(usize::MAX).map(|(_, m)| m.seq), Some(3));
        turns.release(merge.people());
        assert_eq!(turns.take_ready(usize::MAX).map(|(_, m)| m.seq), Some(4));
    }
}
