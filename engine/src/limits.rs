//! What this machine can hold: the memory and thread budgets a job must fit before it starts,
//! so a setting with an extra zero fails validation with a reason instead of exhausting the
//! machine while it runs.

use std::sync::OnceLock;

/// The share of physical memory a job's buffers may take.
const MEMORY_SHARE: u64 = 4;
/// Used where the machine's memory cannot be read.
const FALLBACK_MEMORY: u64 = 8 << 30;
/// The most threads a job may start, whatever the machine allows.
pub const MAX_THREADS: u64 = 4096;

/// How much memory a job's buffers may take, and how that was measured.
#[derive(Clone, Copy, Debug)]
pub struct MemoryBudget {
    pub bytes: u64,
    pub machine_bytes: u64,
}

impl MemoryBudget {
    /// `a quarter of this machine's 23.4 GiB`.
    pub fn explain(&self) -> String {
        format!("a quarter of this machine's {}", bytes(self.machine_bytes))
    }
}

/// A quarter of physical memory, read once.
pub fn memory_budget() -> MemoryBudget {
    static BUDGET: OnceLock<MemoryBudget> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        let machine_bytes = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| meminfo_total(&text))
            .unwrap_or(FALLBACK_MEMORY);
        MemoryBudget {
            bytes: machine_bytes / MEMORY_SHARE,
            machine_bytes,
        }
    })
}

/// `MemTotal:  24576000 kB` → bytes.
fn meminfo_total(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// How many threads a job may start: [`MAX_THREADS`], or half of the process's thread limit
/// when that is lower (the other half is left for the rest of the user's programs).
pub fn thread_budget() -> u64 {
    static BUDGET: OnceLock<u64> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        std::fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|text| process_limit(&text))
            .map_or(MAX_THREADS, |limit| (limit / 2).clamp(1, MAX_THREADS))
    })
}

/// The soft `Max processes` limit of `/proc/self/limits`; `None` when unlimited.
fn process_limit(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("Max processes"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// `1.5 GiB`, `320 MiB`, `12 KiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_machine() {
        let meminfo = "MemTotal:       24576000 kB\nMemFree:  100 kB\n";
        assert_eq!(meminfo_total(meminfo), Some(24_576_000 * 1024));
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max processes             63704                63704                processes\n";
        assert_eq!(process_limit(limits), Some(63704));
        let unlimited =
            "Max processes             unlimited            unlimited            processes\n";
        assert_eq!(process_limit(unlimited), None);
        assert!(memory_budget().bytes > 0);
        assert!((1..=MAX_THREADS).contains(&thread_budget()));
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(6 << 30), "6.0 GiB");
    }
}
