//! Text form of `TIMESTAMP(3)` values.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Formats epoch milliseconds as Flink prints a `TIMESTAMP(3)`: `2024-01-02 09:30:00.000`.
pub fn format_timestamp(ms: i64) -> String {
    match DateTime::from_timestamp_millis(ms) {
        Some(t) => t.naive_utc().format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        None => ms.to_string(),
    }
}

/// Parses a timestamp written as `2024-01-02 09:30:00[.123]`, ISO 8601 (`2024-01-02T09:30:00Z`,
/// with or without an offset), a bare date, or integer epoch milliseconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(ms) = text.parse::<i64>() {
        return Some(ms);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_flink_format() {
        let ms = parse_timestamp("2024-01-02 09:30:00.250").unwrap();
        assert_eq!(format_timestamp(ms), "2024-01-02 09:30:00.250");
    }

    #[test]
    fn accepts_iso_epoch_and_dates() {
        let a = parse_timestamp("2024-01-02T09:30:00Z").unwrap();
        let b = parse_timestamp("2024-01-02 09:30:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(parse_timestamp("1704187800000"), Some(1704187800000));
        assert_eq!(
            parse_timestamp("2024-01-02"),
            parse_timestamp("2024-01-02 00:00:00")
        );
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
