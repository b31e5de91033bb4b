//! Numbers as a person reads them, for the command line, the reports and the monitor: rates
//! with k and M, latencies in µs, ms or s, watermarks as times of day with their lag, shares as
//! percentages.

/// 1234.5 rows/s as `1.2k/s`.
pub fn rate(per_second: f64) -> String {
    let a = per_second.abs();
    if a >= 1e9 {
        format!("{:.1}G/s", per_second / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M/s", per_second / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k/s", per_second / 1e3)
    } else {
        format!("{per_second:.0}/s")
    }
}

/// A watermark as a time (UTC, as Flink prints TIMESTAMP(3)): the time of day when it is
/// today, else the date too; the end of the input when it is the largest time.
pub fn watermark(ms: i64, now_ms: i64) -> String {
    if ms == i64::MAX {
        return "end of input".into();
    }
    let text = engine::types::format_timestamp(ms);
    let today = engine::types::format_timestamp(now_ms);
    match (text.split_once(' '), today.split_once(' ')) {
        (Some((day, time)), Some((now_day, _))) if day == now_day => time.to_string(),
        _ => text,
    }
}

/// An event time as its time of day (UTC), to the second unless it has milliseconds:
/// `10:00:07`, `10:00:07.250`; the end of time as `+∞`.
pub fn time_of_day(ms: i64) -> String {
    match ms {
        i64::MAX => "+∞".into(),
        i64::MIN => "−∞".into(),
        _ => {
            let text = engine::types::format_timestamp(ms);
            let time = text.split_once(' ').map_or(text.as_str(), |(_, t)| t);
            time.strip_suffix(".000").unwrap_or(time).to_string()
        }
    }
}

/// How far behind the wall clock: `850 ms`, `2.1 s`, `3 min`.
pub fn lag(ms: i64) -> String {
    let a = ms.unsigned_abs();
    if a < 1000 {
        format!("{ms} ms")
    } else if a < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if a < 3_600_000 {
        format!("{:.0} min", ms as f64 / 60_000.0)
    } else if a < 172_800_000 {
        format!("{:.1} h", ms as f64 / 3_600_000.0)
    } else {
        // Event times of another day (a replayed log, sample data) lag by days.
        format!("{:.0} d", ms as f64 / 86_400_000.0)
    }
}

/// 0.934 as `93%`.
pub fn share(s: f64) -> String {
    format!("{:.0}%", s * 100.0)
}

/// Milliseconds of latency: `40 µs`, `0.42 ms`, `12 ms`, `3.1 s`.
pub fn millis(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else if ms >= 0.1 {
        format!("{ms:.2} ms")
    } else {
        format!("{:.0} µs", ms * 1000.0)
    }
}

/// 1234567 as 1.2M, 0.5 as 0.5: a number on a chart's axis.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_on_axes_are_short() {
        let shown: Vec<String> = [0.0, 0.3, 12.0, 1500.0, 2_500_000.0, 3e9]
            .into_iter()
            .map(compact)
            .collect();
        assert_eq!(shown, ["0", "0.3", "12", "1.5k", "2.5M", "3.0G"]);
    }

    #[test]
    fn rates_are_short() {
        assert_eq!(rate(12.4), "12/s");
        assert_eq!(rate(6000.0), "6.0k/s");
        assert_eq!(rate(2_500_000.0), "2.5M/s");
    }

    #[test]
    fn watermarks_read_as_times_with_the_date_only_when_not_today() {
        let now = 1_704_189_600_000; // 2024-01-02 10:00:00
        assert_eq!(watermark(now - 1_250, now), "09:59:58.750");
        assert_eq!(watermark(now - 86_400_000, now), "2024-01-01 10:00:00.000");
        assert_eq!(watermark(i64::MAX, now), "end of input");
        assert_eq!(lag(850), "850 ms");
        assert_eq!(lag(2_100), "2.1 s");
        assert_eq!(lag(180_000), "3 min");
        assert_eq!(lag(7_200_000), "2.0 h");
        assert_eq!(lag(96_168_000_000), "1113 d");
    }

    #[test]
    fn event_times_read_as_times_of_day_with_milliseconds_only_when_there_are_some() {
        let ten = 1_704_189_600_000; // 2024-01-02 10:00:00
        assert_eq!(time_of_day(ten), "10:00:00");
        assert_eq!(time_of_day(ten - 1), "09:59:59.999");
        assert_eq!(time_of_day(i64::MAX), "+∞");
    }
}
