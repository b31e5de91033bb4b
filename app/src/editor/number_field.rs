//! A field for a whole number that stores exactly what it shows. Text is parsed as an
//! integer (never through a float, which cannot hold every 64-bit value), a value out of
//! range is set to the nearest allowed one with a note saying so and why, and the unit after
//! it is singular or plural to match ("1 row", "16 rows").

use egui::{Id, Response, RichText, TextEdit, Ui};

use super::theme;

/// The whole-number types settings are stored in.
pub trait Whole: Copy + ToString {
    /// The range of the type itself, and what to say when a value is outside it.
    fn range() -> Range;
    fn to_i128(self) -> i128;
    /// `value` is within `range()`.
    fn from_i128(value: i128) -> Self;
}

macro_rules! whole {
    ($t:ty, $below:expr, $above:expr) => {
        impl Whole for $t {
            fn range() -> Range {
                Range {
                    min: <$t>::MIN as i128,
                    max: <$t>::MAX as i128,
                    below: format!($below, <$t>::MIN),
                    above: format!($above, <$t>::MAX),
                }
            }
            fn to_i128(self) -> i128 {
                self as i128
            }
            fn from_i128(value: i128) -> Self {
                value as $t
            }
        }
    };
}

whole!(
    i64,
    "a BIGINT holds at least {}",
    "a BIGINT holds at most {}"
);
whole!(u64, "it cannot be below {}", "it holds at most {}");
whole!(u32, "it cannot be below {}", "it holds at most {}");
whole!(usize, "it cannot be below {}", "it holds at most {}");

/// The values a field allows, and why not beyond them.
#[derive(Clone, Debug)]
pub struct Range {
    pub min: i128,
    pub max: i128,
    /// Why not below `min`, said after "out of range: ".
    pub below: String,
    /// Why not above `max`.
    pub above: String,
}

impl Range {
    /// The type's own range.
    pub fn of<T: Whole>() -> Self {
        T::range()
    }

    /// At least `min`, because `why`.
    pub fn at_least(mut self, min: i128, why: impl Into<String>) -> Self {
        if min > self.min {
            self.min = min;
            self.below = why.into();
        }
        self
    }

    /// At most `max`, because `why`.
    pub fn at_most(mut self, max: i128, why: impl Into<String>) -> Self {
        if max < self.max {
            self.max = max;
            self.above = why.into();
        }
        self
    }
}

/// What typed text makes of a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The value, within range.
    Value(i128),
    /// Out of range: the nearest allowed value, and a note saying why.
    Clamped(i128, String),
    /// Not a whole number: the value stays, with a note.
    Refused(String),
}

/// Reads `text` as a whole number in `range`; `current` is kept when it is not one.
pub fn read(text: &str, current: i128, range: &Range) -> Entry {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '_' | ',' | ' '))
        .collect();
    let number = digits.strip_prefix('+').unwrap_or(&digits);
    let whole_number = {
        let unsigned = number.strip_prefix('-').unwrap_or(number);
        !unsigned.is_empty() && unsigned.chars().all(|c| c.is_ascii_digit())
    };
    if !whole_number {
        return Entry::Refused(format!(
            "“{}” is not a whole number: kept {current}.",
            text.trim()
        ));
    }
    // Digits beyond i128 are out of any range; their sign says which end.
    let value = number
        .parse::<i128>()
        .unwrap_or(if number.starts_with('-') {
            i128::MIN
        } else {
            i128::MAX
        });
    let typed = text.trim();
    if value < range.min {
        Entry::Clamped(
            range.min,
            format!(
                "{typed} is out of range: {}. Set to {}.",
                range.below, range.min
            ),
        )
    } else if value > range.max {
        Entry::Clamped(
            range.max,
            format!(
                "{typed} is out of range: {}. Set to {}.",
                range.above, range.max
            ),
        )
    } else {
        Entry::Value(value)
    }
}

/// A whole-number field for `value` in `range`, with `unit` (singular, plural) after it.
/// The note about the last value typed stays until the field is edited again.
pub fn whole<T: Whole>(ui: &mut Ui, value: &mut T, range: &Range, unit: (&str, &str)) -> Response {
    let id = ui.next_auto_id();
    let draft_id = id.with("draft");
    let note_id = id.with("note");
    let focused = ui.memory(|m| m.has_focus(id));
    let mut text = if focused {
        ui.data(|d| d.get_temp::<String>(draft_id))
            .unwrap_or_else(|| value.to_string())
    } else {
        value.to_string()
    };
    let width = width_for(ui, &text);
    let mut response = ui.add(TextEdit::singleline(&mut text).id(id).desired_width(width));
    if response.gained_focus() {
        ui.data_mut(|d| d.remove::<String>(note_id));
    }
    if response.has_focus() {
        ui.data_mut(|d| d.insert_temp(draft_id, text));
    } else if response.lost_focus() {
        ui.data_mut(|d| d.remove::<String>(draft_id));
        let current = value.to_i128();
        let (new, note) = match read(&text, current, range) {
            Entry::Value(v) => (v, None),
            Entry::Clamped(v, note) => (v, Some(note)),
            Entry::Refused(note) => (current, Some(note)),
        };
        if new != current {
            *value = T::from_i128(new);
            response.mark_changed();
        }
        if let Some(note) = note {
            ui.data_mut(|d| d.insert_temp(note_id, note));
        }
    }
    let (one, many) = unit;
    if !many.is_empty() {
        let n = value.to_i128();
        let unit = if n == 1 { one } else { many };
        ui.label(unit);
    }
    note(ui, note_id);
    response
}

/// The note left by the last entry in the field whose note is kept under `id`, if any.
fn note(ui: &mut Ui, id: Id) {
    if let Some(note) = ui.data(|d| d.get_temp::<String>(id)) {
        let color = theme::warning_color(ui.visuals().dark_mode);
        ui.add(egui::Label::new(RichText::new(note).color(color)).wrap());
    }
}

/// Wide enough for `text` and a little more, so long numbers show whole.
fn width_for(ui: &Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let digit = ui.ctx().fonts_mut(|f| f.glyph_width(&font, '0'));
    let chars = text.chars().count().max(3) as f32 + 1.0;
    (chars * digit).min(super::form::field_width(ui).max(digit * 4.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_too_large_for_a_bigint_is_set_to_the_largest_and_says_so() {
        let entry = read("99999999999999999999999", 0, &Range::of::<i64>());
        let Entry::Clamped(value, note) = entry else {
            panic!("{entry:?}")
        };
        assert_eq!(value, i64::MAX as i128);
        assert!(
            note.contains("a BIGINT holds at most 9223372036854775807"),
            "{note}"
        );
        // Beyond even i128.
        let huge = "9".repeat(60);
        assert!(
            matches!(read(&huge, 0, &Range::of::<i64>()), Entry::Clamped(v, _) if v == i64::MAX as i128)
        );
        assert!(matches!(
            read(&format!("-{huge}"), 0, &Range::of::<u64>()),
            Entry::Clamped(0, _)
        ));
    }

    #[test]
    fn a_setting_says_why_it_has_a_least_value() {
        let range = Range::of::<usize>().at_least(1, "a batch holds at least 1 row");
        let entry = read("0", 16, &range);
        assert_eq!(
            entry,
            Entry::Clamped(
                1,
                "0 is out of range: a batch holds at least 1 row. Set to 1.".into()
            )
        );
        assert_eq!(read(" 1_024 ", 16, &range), Entry::Value(1024));
        assert_eq!(read("+7", 16, &range), Entry::Value(7));
    }

    #[test]
    fn text_that_is_not_a_whole_number_keeps_the_value() {
        for text in ["1.5", "ten", "", "-"] {
            assert!(
                matches!(read(text, 16, &Range::of::<u64>()), Entry::Refused(note) if note.contains("kept 16")),
                "{text:?}"
            );
        }
    }
}
