//! [`ScanCursor`]: where a relay's next claim starts looking.

use std::time::Duration;

use tokio::time::Instant;

/// Where a relay's next claim starts: after the last row of its previous claim while
/// it drains a backlog (claims that come back full), so that it does not walk again
/// past the rows it has in flight; from the first row otherwise.
///
/// A full scan comes after any claim that came back short and at least every
/// `full_scan_every` (the poll interval), so that a row that became due behind the
/// cursor (a retry, the rows of a relay whose lease ran out, on PostgreSQL a row that
/// committed after rows numbered later) waits at most that much longer.
#[derive(Debug)]
pub(crate) struct ScanCursor {
    after: i64,
    last_full_scan: Instant,
    full_scan_every: Duration,
}

impl ScanCursor {
    pub(crate) fn new(full_scan_every: Duration) -> ScanCursor {
        ScanCursor {
            after: 0,
            last_full_scan: Instant::now(),
            full_scan_every,
        }
    }

    /// The row number the next claim starts after (0: every row).
    pub(crate) fn start(&mut self) -> i64 {
        if self.last_full_scan.elapsed() >= self.full_scan_every {
            self.after = 0;
        }
        if self.after == 0 {
            self.last_full_scan = Instant::now();
        }
        self.after
    }

    /// Records a claim's result: `full` when it returned as many rows as asked for,
    /// `last` the largest row number it returned.
    pub(crate) fn claimed(&mut self, full: bool, last: Option<i64>) {
        self.after = match (full, last) {
            (true, Some(seq)) => seq,
            _ => 0,
        };
    }

    /// The next claim looks at every row (after a failed claim).
    pub(crate) fn reset(&mut self) {
        self.after = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn full_claims_move_the_cursor_and_short_ones_rewind_it() {
        let mut cursor = ScanCursor::new(Duration::from_secs(1));
        assert_eq!(cursor.start(), 0);
        cursor.claimed(true, Some(2_000));
        assert_eq!(cursor.start(), 2_000);
        cursor.claimed(true, Some(4_000));
        assert_eq!(cursor.start(), 4_000);
        cursor.claimed(false, Some(4_500));
        assert_eq!(cursor.start(), 0);
        cursor.claimed(true, Some(6_000));
        cursor.reset();
        assert_eq!(cursor.start(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_scan_comes_at_least_every_interval() {
        let mut cursor = ScanCursor::new(Duration::from_millis(500));
        assert_eq!(cursor.start(), 0);
        cursor.claimed(true, Some(2_000));
        tokio::time::advance(Duration::from_millis(499)).await;
        assert_eq!(cursor.start(), 2_000);
        cursor.claimed(true, Some(4_000));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(cursor.start(), 0);
        cursor.claimed(true, Some(6_000));
        assert_eq!(
            cursor.start(),
            6_000,
            "the interval counts from the last full scan"
        );
    }
}
